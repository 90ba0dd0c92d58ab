//! [`Report`]: the process-wide view of every live pool ([`pools`]), as a table.

use std::fmt;

use crate::directory::{pools, PoolInfo};

/// Every live pool as a table, from [`report`]: name, created, reused, hit rate, idle, idle
/// bytes, in use, discarded, trimmed; the pools holding the most idle bytes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The pools, in the table's order.
    pub pools: Vec<PoolInfo>,
}

/// A [`Report`] of every live pool: print it to see which pools pay off and which hold memory.
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<String> = Pool::builder().name("log lines").build();
/// drop(pool.get());
/// let table = pool_core::report().to_string();
/// assert!(table.lines().next().unwrap().starts_with("pool"));
/// assert!(table.contains("log lines"));
/// ```
pub fn report() -> Report {
    let mut pools = pools();
    pools.sort_by(|a, b| {
        (b.stats.idle_bytes, b.stats.idle, &a.name).cmp(&(
            a.stats.idle_bytes,
            a.stats.idle,
            &b.name,
        ))
    });
    Report { pools }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEADERS: [&str; 9] = [
            "pool",
            "created",
            "reused",
            "hit rate",
            "idle",
            "idle bytes",
            "in use",
            "discarded",
            "trimmed",
        ];
        let rows: Vec<[String; 9]> = self
            .pools
            .iter()
            .map(|pool| {
                let s = &pool.stats;
                [
                    pool.name.to_string(),
                    s.created.to_string(),
                    s.reused.to_string(),
                    format!("{:.1}%", s.hit_rate() * 100.0),
                    s.idle.to_string(),
                    s.idle_bytes.to_string(),
                    s.in_use.to_string(),
                    s.discarded.to_string(),
                    s.trimmed.to_string(),
                ]
            })
            .collect();
        let mut widths = HEADERS.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: &[&str]| -> fmt::Result {
            for (column, (cell, width)) in cells.iter().zip(widths).enumerate() {
                if column == 0 {
                    write!(f, "{cell:<width$}")?;
                } else {
                    write!(f, "  {cell:>width$}")?;
                }
            }
            writeln!(f)
        };
        line(f, &HEADERS)?;
        for row in &rows {
            line(f, &row.each_ref().map(String::as_str))?;
        }
        Ok(())
    }
}

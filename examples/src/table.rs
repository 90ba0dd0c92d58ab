//! Plain-text tables and number formatting for the examples' output.

use std::fmt;
use std::time::Duration;

use pool_core::PoolStats;

use crate::alloc::AllocCounts;
use crate::stats::{ns_per, per_second};

/// A table printed with aligned columns: the first column left-aligned (or the first few, see
/// [`Table::left_columns`]), the others (numbers) right-aligned.
///
/// ```
/// use pool_examples::table::Table;
///
/// let mut table = Table::new(["mode", "ns/op"]);
/// table.row(["pooled", "3.1"]);
/// table.row(["fresh", "38.0"]);
/// assert_eq!(
///     table.to_string(),
///     "mode    ns/op\n------  -----\npooled    3.1\nfresh    38.0\n"
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    left: usize,
}

impl Table {
    /// A table with these column names.
    pub fn new<I, S>(header: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            left: 1,
        }
    }

    /// Left-aligns the first `n` columns (text), instead of only the first.
    pub fn left_columns(mut self, n: usize) -> Table {
        self.left = n;
        self
    }

    /// Adds a row; missing cells print empty, extra cells are kept.
    pub fn row<I, S>(&mut self, cells: I) -> &mut Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// The rows added so far.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    fn widths(&self) -> Vec<usize> {
        let mut widths = vec![0; self.header.len()];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            if widths.len() < row.len() {
                widths.resize(row.len(), 0);
            }
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        widths
    }
}

fn write_row(
    f: &mut fmt::Formatter<'_>,
    row: &[String],
    widths: &[usize],
    left: usize,
) -> fmt::Result {
    let mut line = String::new();
    for (i, width) in widths.iter().enumerate() {
        let cell = row.get(i).map_or("", String::as_str);
        let gap = if i == 0 { "" } else { "  " };
        if i < left {
            line.push_str(&format!("{gap}{cell:<width$}"));
        } else {
            line.push_str(&format!("{gap}{cell:>width$}"));
        }
    }
    writeln!(f, "{}", line.trim_end())
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths = self.widths();
        write_row(f, &self.header, &widths, self.left)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        write_row(f, &rule, &widths, self.left)?;
        for row in &self.rows {
            write_row(f, row, &widths, self.left)?;
        }
        Ok(())
    }
}

/// A count with thousands separators: `1234567` as `1,234,567`.
///
/// ```
/// assert_eq!(pool_examples::table::count(1_234_567), "1,234,567");
/// assert_eq!(pool_examples::table::count(12), "12");
/// ```
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A byte size in B, KiB, MiB or GiB; negative sizes (memory given back) keep their sign.
///
/// ```
/// use pool_examples::table::bytes;
///
/// assert_eq!(bytes(512), "512 B");
/// assert_eq!(bytes(4096), "4.0 KiB");
/// assert_eq!(bytes(3 << 20), "3.0 MiB");
/// assert_eq!(bytes(-2048), "-2.0 KiB");
/// ```
pub fn bytes(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs() as f64;
    let units = ["KiB", "MiB", "GiB"];
    if n < 1024.0 {
        return format!("{sign}{n} B");
    }
    let mut value = n / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{sign}{value:.1} {}", units[unit])
}

/// A number with `decimals` digits after the point.
///
/// ```
/// assert_eq!(pool_examples::table::fixed(3.14159, 2), "3.14");
/// ```
pub fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

/// A ratio as a percentage with one decimal: `0.5` as `50.0%`.
///
/// ```
/// assert_eq!(pool_examples::table::percent(0.9995), "99.9%");
/// ```
pub fn percent(ratio: f64) -> String {
    // Truncate rather than round, so 99.95% never reads as a perfect 100.0%.
    format!("{:.1}%", (ratio * 1000.0).floor() / 10.0)
}

/// A rate per second, with a k or M suffix: `1_500_000.0` as `1.50 M`.
///
/// ```
/// assert_eq!(pool_examples::table::rate(1_500_000.0), "1.50 M");
/// assert_eq!(pool_examples::table::rate(2_500.0), "2.50 k");
/// ```
pub fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2} M", per_second / 1e6)
    } else if per_second >= 1e3 {
        format!("{:.2} k", per_second / 1e3)
    } else {
        format!("{per_second:.1}")
    }
}

/// The throughput table of a program that runs the same workload in several modes: per mode,
/// `unit`s per second, nanoseconds, allocations and bytes allocated per `unit`, and the total
/// allocations, over `items` units each.
pub fn throughput(unit: &str, items: u64, modes: &[(&str, Duration, AllocCounts)]) -> Table {
    let mut table = Table::new([
        "mode".to_owned(),
        format!("{unit}s/s"),
        format!("ns/{unit}"),
        format!("allocs/{unit}"),
        format!("bytes/{unit}"),
        "total allocs".to_owned(),
    ]);
    for (name, elapsed, allocs) in modes {
        table.row([
            (*name).to_owned(),
            rate(per_second(*elapsed, items)),
            fixed(ns_per(*elapsed, items), 0),
            fixed(allocs.allocations as f64 / items as f64, 3),
            fixed(allocs.bytes as f64 / items as f64, 1),
            count(allocs.allocations),
        ]);
    }
    table
}

/// A pool's statistics as a one-row table: created, reused, hit rate, idle, discarded, and
/// `in use` when `with_in_use`.
pub fn pool_stats(stats: &PoolStats, with_in_use: bool) -> Table {
    let mut header = vec!["created", "reused", "hit rate", "idle", "discarded"];
    let mut row = vec![
        count(stats.created),
        count(stats.reused),
        percent(stats.hit_rate()),
        count(stats.idle),
        count(stats.discarded),
    ];
    if with_in_use {
        header.push("in use");
        row.push(count(stats.in_use));
    }
    let mut table = Table::new(header).left_columns(0);
    table.row(row);
    table
}

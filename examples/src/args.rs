//! Command-line arguments with the standard library only: positional numbers and `--key value`
//! options.

use std::fmt;
use std::process;

/// A program's arguments, split into positional ones and `--key [value]` options.
///
/// ```
/// use pool_examples::args::Args;
///
/// let args = Args::parse(["200_000", "--serve", "127.0.0.1:3000"]);
/// assert_eq!(args.count(0, "tasks", 10).unwrap(), 200_000);
/// assert_eq!(args.count(1, "threads", 2).unwrap(), 2); // the default
/// assert_eq!(args.option("--serve"), Some("127.0.0.1:3000"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Args {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

/// A bad argument: which one and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

impl From<&str> for ArgError {
    fn from(message: &str) -> Self {
        ArgError(message.to_owned())
    }
}

impl Args {
    /// The arguments the program was started with.
    pub fn from_env() -> Args {
        Args::parse(std::env::args().skip(1))
    }

    /// Splits `args`: a word starting with `--` is an option, taking the next word as its
    /// value unless that is an option too; anything else is positional.
    pub fn parse<I, S>(args: I) -> Args
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out = Args::default();
        let mut words = args.into_iter().map(Into::into).peekable();
        while let Some(word) = words.next() {
            if word.starts_with("--") {
                let value = words.next_if(|next| !next.starts_with("--"));
                out.options.push((word, value));
            } else {
                out.positional.push(word);
            }
        }
        out
    }

    /// The positional argument at `index` as a positive count (`_` allowed: `200_000`), or
    /// `default` when there is none.
    pub fn count(&self, index: usize, name: &str, default: usize) -> Result<usize, ArgError> {
        let Some(word) = self.positional.get(index) else {
            return Ok(default);
        };
        match word.replace('_', "").parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ArgError(format!(
                "{name} must be a positive whole number, not `{word}`"
            ))),
        }
    }

    /// The value of option `key` (`--serve 127.0.0.1:3000`), if given with a value.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, value)| value.as_deref())
    }

    /// Whether option `key` was given, with or without a value.
    pub fn flag(&self, key: &str) -> bool {
        self.options.iter().any(|(k, _)| k == key)
    }

    /// Fails on an option not in `known`, or more than `max_positional` positional arguments.
    pub fn check(&self, known: &[&str], max_positional: usize) -> Result<(), ArgError> {
        if let Some((key, _)) = self
            .options
            .iter()
            .find(|(k, _)| !known.contains(&k.as_str()))
        {
            return Err(ArgError(format!("unknown option `{key}`")));
        }
        if self.positional.len() > max_positional {
            return Err(ArgError(format!(
                "expected at most {max_positional} positional arguments, got {}",
                self.positional.len()
            )));
        }
        Ok(())
    }
}

/// Prints `usage` and exits: with status 0 when `error` is `None` (`--help`), else prints the
/// error first and exits with status 2.
pub fn exit_with_usage(usage: &str, error: Option<&ArgError>) -> ! {
    match error {
        None => {
            println!("{usage}");
            process::exit(0)
        }
        Some(error) => {
            eprintln!("error: {error}\n\n{usage}");
            process::exit(2)
        }
    }
}

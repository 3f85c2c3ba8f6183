//! Diagnostics: what went wrong in the spec, where (file, JSON pointer, line:column) and what to do.

use std::fmt;

/// One problem found in the input, with enough context to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file as the user named it.
    pub file: String,
    /// 1-based line and column in `file`, where known.
    pub location: Option<(usize, usize)>,
    /// JSON pointer into the spec (`/paths/~1api~1.../get`), empty for the whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  --> {}", self.message, self.file)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " (at #{})", self.pointer)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem a run found, sorted by location; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(f, "{count} error{} in the spec", if count == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

/// Collects diagnostics for one spec file during a stage.
#[derive(Debug)]
pub struct Sink<'a> {
    file: &'a str,
    source: &'a crate::source_map::SourceMap,
    found: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a str, source: &'a crate::source_map::SourceMap) -> Self {
        Sink { file, source, found: Vec::new() }
    }

    /// Records a problem at `pointer`, resolving its line:column from the source text.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>, hint: impl Into<Option<String>>) {
        self.found.push(Diagnostic {
            file: self.file.to_owned(),
            location: self.source.locate(pointer),
            pointer: pointer.to_owned(),
            message: message.into(),
            hint: hint.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.found.is_empty()
    }

    /// Ends the stage: `Err` with every problem sorted by location when there were any.
    pub fn finish(mut self) -> Result<(), Diagnostics> {
        if self.found.is_empty() {
            return Ok(());
        }
        self.found.sort_by(|a, b| (a.location, &a.pointer, &a.message).cmp(&(b.location, &b.pointer, &b.message)));
        self.found.dedup();
        Err(Diagnostics(self.found))
    }
}

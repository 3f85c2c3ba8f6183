//! Everything the tool shows goes through here, which knows whether it writes to a terminal:
//! Atlas's answers as a table on a terminal and as JSON in a pipe (which is what scripts have
//! always read) or with `--json`; the workflows' reports as text, or JSON with `--json`; a
//! progress bar and the `--prune` question only on a terminal; notices (a wait for Atlas's
//! throttling, a Ctrl-C) in the progress bar while one is drawn, else as lines on stderr.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::Value;

pub struct Output {
    json: bool,
    stdout_terminal: bool,
    notices: Notices,
}

/// Where notices go; clones share it, so the client's retry classifier (built before any
/// command runs) shows its waits in the bar a command draws later.
#[derive(Debug, Clone, Default)]
pub struct Notices {
    bar: Arc<Mutex<Option<ProgressBar>>>,
}

impl Notices {
    /// A wait of `after` before a retry, and why: the bar's message, else a line on stderr.
    pub fn waiting(&self, after: Duration, why: &str) {
        let message = format!("waiting {} s: {why}", after.as_secs_f64().ceil() as u64);
        match self.drawn() {
            Some(bar) => bar.set_message(message),
            None => eprintln!("{message}"),
        }
    }

    /// A line on stderr, above the bar while one is drawn.
    pub fn line(&self, line: &str) {
        match self.drawn() {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn drawn(&self) -> Option<ProgressBar> {
        self.bar.lock().expect("no notice panics while holding it").clone().filter(|bar| !bar.is_hidden() && !bar.is_finished())
    }
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json, stdout_terminal: std::io::stdout().is_terminal(), notices: Notices::default() }
    }

    /// The notices' shared place, for the client's retry classifier.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// Writes `value` as pretty JSON to `file` (`--report`), with a trailing newline.
    pub fn write_json(&self, file: std::fs::File, value: &impl Serialize) -> std::io::Result<()> {
        let mut writer = std::io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut writer, value)?;
        writer.write_all(b"\n")?;
        writer.into_inner().map_err(|err| err.into_error())?.sync_all()
    }

    /// An answer of Atlas's (a list, one item, a confirmation).
    pub fn answer(&self, value: &Value) {
        if self.json || !self.stdout_terminal {
            println!("{}", serde_json::to_string_pretty(value).expect("a JSON value always serializes"));
        } else {
            print!("{}", table(value));
        }
    }

    /// A line of a workflow's text report; nothing with `--json`.
    pub fn text(&self, line: impl AsRef<str>) {
        if !self.json {
            println!("{}", line.as_ref());
        }
    }

    /// A workflow's report as JSON; only with `--json`.
    pub fn json(&self, value: impl FnOnce() -> Value) {
        self.json_streamed(&value());
    }

    /// A workflow's report as JSON written as it is serialized (a long plan is never one
    /// string); only with `--json`.
    pub fn json_streamed(&self, value: &impl Serialize) {
        if self.json {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer_pretty(&mut stdout, value).expect("a report always serializes");
            writeln!(stdout).and_then(|()| stdout.flush()).expect("stdout takes the report");
        }
    }

    /// A progress bar over `total` steps on stderr, drawn only when stderr is a terminal;
    /// notices go to it until it is finished.
    pub fn progress(&self, total: usize) -> ProgressBar {
        if total == 0 || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("[{bar:30}] {pos}/{len} {wide_msg}").expect("a valid template").progress_chars("#>-"),
        );
        // Redrawn while nothing moves, so that a wait's message shows even when it came
        // too soon after the last draw.
        bar.enable_steady_tick(Duration::from_millis(200));
        *self.notices.bar.lock().expect("no notice panics while holding it") = Some(bar.clone());
        bar
    }

    /// Whether a question can be asked: stdin is a terminal.
    pub fn can_ask(&self) -> bool {
        std::io::stdin().is_terminal()
    }

    /// Asks `question` on a terminal; `None` when stdin is not one (the caller then needs `--yes`).
    pub fn confirm(&self, question: &str) -> std::io::Result<Option<bool>> {
        if !self.can_ask() {
            return Ok(None);
        }
        eprint!("{question} [y/N] ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(Some(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes")))
    }
}

/// A list of objects as a table whose columns are their keys in order of first appearance
/// (nested values as compact JSON); one object as `key  value` lines; anything else as JSON.
fn table(value: &Value) -> String {
    let cell = |value: Option<&Value>| match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) => {
            if items.is_empty() {
                return "(none)\n".to_owned();
            }
            let mut columns: Vec<&str> = Vec::new();
            for item in items.iter().filter_map(Value::as_object) {
                for key in item.keys() {
                    if !columns.contains(&key.as_str()) {
                        columns.push(key);
                    }
                }
            }
            let rows: Vec<Vec<String>> =
                items.iter().map(|item| columns.iter().map(|key| cell(item.get(*key))).collect()).collect();
            let widths: Vec<usize> = columns
                .iter()
                .enumerate()
                .map(|(n, key)| rows.iter().map(|row| row[n].chars().count()).max().unwrap_or(0).max(key.len()))
                .collect();
            let line = |cells: Vec<String>| {
                let padded: Vec<String> = cells.iter().zip(&widths).map(|(cell, width)| format!("{cell:width$}")).collect();
                format!("{}\n", padded.join("  ").trim_end())
            };
            let mut shown = line(columns.iter().map(|key| key.to_uppercase()).collect());
            for row in rows {
                shown.push_str(&line(row));
            }
            shown
        }
        Value::Object(fields) => {
            let width = fields.keys().map(String::len).max().unwrap_or(0);
            fields.iter().map(|(key, value)| format!("{key:width$}  {}\n", cell(Some(value)))).collect()
        }
        other => format!("{}\n", serde_json::to_string_pretty(other).expect("a JSON value always serializes")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_list_of_objects_is_a_table_with_every_key_as_a_column() {
        let shown = super::table(&json!([
            { "id": "a1", "username": "ana@example.com" },
            { "id": "b22", "roles": ["GROUP_OWNER"], "username": "bo@example.com" },
        ]));
        assert_eq!(shown, "ID   USERNAME         ROLES\na1   ana@example.com\nb22  bo@example.com   [\"GROUP_OWNER\"]\n");
    }

    #[test]
    fn one_object_is_key_value_lines() {
        assert_eq!(super::table(&json!({ "id": "a1", "removed": true })), "id       a1\nremoved  true\n");
    }
}

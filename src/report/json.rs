//! JSON: the shapes of findings, damaged headers, messages and errors shared by `scan` and
//! `export`, and the one writer every JSON output goes through.

use crate::address::Origin;
use crate::detect::{ccm::Message, DamagedHeader, Finding, Report};
use crate::Error;
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::Path;

/// A file's name as JSON text: the name itself when it is UTF-8 (the JSON writer escapes every
/// character that must not reach a terminal, so the text decodes to the exact name), else its
/// display form, with `\xNN` for the bytes that are not UTF-8 ([`crate::sanitize::path`]).
pub fn path(p: &Path) -> Value {
    match p.to_str() {
        Some(s) => json!(s),
        None => json!(crate::sanitize::path(p)),
    }
}

/// Sets `"path"` of the object `v` to `p`'s name ([`path`]) and, for a name that is not UTF-8,
/// `"path_bytes"` to the name's bytes in hex, so that two names never read the same.
pub fn set_path(v: &mut Value, p: &Path) {
    v["path"] = path(p);
    if let Some(hex) = path_bytes(p) {
        v["path_bytes"] = json!(hex);
    }
}

/// The bytes of a name that is not UTF-8, in hex (`None` for a UTF-8 name).
pub fn path_bytes(p: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    p.to_str().is_none().then(|| {
        p.as_os_str()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// An object `{"path": ...}` (and `"path_bytes"`) for a file name, with `rest` merged in.
pub fn with_path(p: &Path, rest: Value) -> Value {
    let mut v = json!({});
    set_path(&mut v, p);
    if let (Some(o), Value::Object(r)) = (v.as_object_mut(), rest) {
        o.extend(r);
    }
    v
}

/// A confidence as JSON: the two decimals it has, without binary noise (0.99, not
/// 0.9900000095367432).
pub fn confidence(c: f32) -> Value {
    json!(format!("{c:.2}").parse::<f64>().unwrap_or(0.0))
}

/// One finding (`data`: the file's bytes, for the text).
pub fn finding(f: &Finding, origin: Origin, data: &[u8]) -> Value {
    json!({
        "id": f.id,
        "kind": f.kind.name(),
        "start": f.start,
        "end": f.end,
        "address": origin.address(f.start).to_string(),
        "end_address": origin.address(f.end.saturating_sub(1).max(f.start)).to_string(),
        "length": f.len(),
        "confidence": confidence(f.confidence),
        "text": f.text(data),
        "mailbox": f.mailbox,
        "file": f.file,
        "mailboxes": f.mailboxes().collect::<Vec<_>>(),
        "files": f.files().collect::<Vec<_>>(),
        "signature": f.signature,
        "why": f.why(),
        "message": f.message.map(|m| m + 1),
        "header": f.header,
    })
}

/// One damaged header.
pub fn header(h: &DamagedHeader, origin: Origin) -> Value {
    json!({
        "id": h.id,
        "start": h.start,
        "end": h.end,
        "address": origin.address(h.start).to_string(),
        "end_address": origin.address(h.end.saturating_sub(1).max(h.start)).to_string(),
        "length": h.len(),
        "confidence": confidence(h.confidence),
        "writes": h.writes,
        "anomalies": h.anomalies,
        "message": h.message.map(|m| m + 1),
        "missing_message_line": h.missing_keyword,
    })
}

/// One .CCM message.
pub fn message(m: &Message) -> Value {
    json!({
        "number": m.index + 1,
        "header_start": m.header_start,
        "header_end": m.header_end,
        "end": m.end,
        "fields": m.fields.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "fields_not_kept": m.fields_not_kept,
        "anomalies": m.anomalies,
        "anomalies_not_kept": m.anomalies_not_kept,
    })
}

/// One error entry, with its kind.
pub fn error(e: &Error) -> Value {
    let mut v = json!({ "kind": e.kind(), "error": e.to_string() });
    if let Some(p) = e.path() {
        v["path"] = json!(p);
    }
    v
}

/// A file's damaged headers (those listed at `min`).
pub fn file_headers(r: &Report, origin: Origin, min: f32) -> Value {
    Value::Array(
        super::listed_headers(r, min)
            .map(|h| header(h, origin))
            .collect(),
    )
}

/// The counts that close a file's entry, after its messages: messages and findings not kept,
/// and the size a shrinking file was scanned to.
pub fn file_counts(r: &Report) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    if r.messages_dropped > 0 {
        out.push(("messages_dropped", json!(r.messages_dropped)));
    }
    if r.dropped > 0 {
        out.push(("dropped", json!(r.dropped)));
    }
    if r.headers_dropped > 0 {
        out.push(("headers_dropped", json!(r.headers_dropped)));
    }
    if let Some(n) = r.shrank_to {
        out.push(("shrank_to", json!(n)));
    }
    if r.past_end > 0 {
        out.push(("past_end", json!(r.past_end)));
    }
    out
}

/// Writes a file's `"messages"` entry (when it has messages) one message at a time, so that
/// tens of thousands of messages never stand in memory as one JSON tree. Starts with the comma
/// that separates it from the entry before.
pub fn write_messages(w: &mut dyn Write, r: &Report, indent: usize) -> io::Result<()> {
    if r.messages.is_empty() {
        return Ok(());
    }
    let pad = " ".repeat(indent);
    write!(w, ",\n{pad}\"messages\": [")?;
    for (i, m) in r.messages.iter().enumerate() {
        write!(w, "{}\n{pad}  ", if i == 0 { "" } else { "," })?;
        write(w, &message(m), indent + 2)?;
    }
    write!(w, "\n{pad}]")
}

/// A file's JSON entry with its .CCM messages placed under `"messages"` in key order, each
/// message made only as it is written.
pub struct WithMessages<'a> {
    /// The entry's other keys.
    pub file: serde_json::Map<String, Value>,
    /// The messages (none: no `"messages"` key).
    pub messages: &'a [Message],
}

impl serde::Serialize for WithMessages<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Placed {
            map: &self.file,
            key: "messages",
            value: (!self.messages.is_empty()).then_some(Messages(self.messages)),
        }
        .serialize(s)
    }
}

/// An object's keys (`map`) with one more, `key`, placed among them in key order (as every
/// object of the JSON outputs is), its value made only as it is written: a long list streams
/// without standing in memory as one JSON tree. No `value`: no such key.
pub struct Placed<'a, T> {
    pub map: &'a serde_json::Map<String, Value>,
    pub key: &'static str,
    pub value: Option<T>,
}

impl<T: serde::Serialize> serde::Serialize for Placed<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        let mut value = self.value.as_ref();
        for (k, v) in self.map {
            if k.as_str() > self.key {
                if let Some(x) = value.take() {
                    m.serialize_entry(self.key, x)?;
                }
            }
            m.serialize_entry(k, v)?;
        }
        if let Some(x) = value {
            m.serialize_entry(self.key, x)?;
        }
        m.end()
    }
}

struct Messages<'a>(&'a [Message]);

impl serde::Serialize for Messages<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(message))
    }
}

/// Writes `v` pretty-printed, every line after the first indented by `indent` spaces, so a value
/// can be placed inside a document written piece by piece. Every JSON output goes through here
/// (or [`to_string`]): C1 controls, bidirectional controls and tag characters in strings are
/// escaped as `\uXXXX` (`sanitize::json_pretty`).
pub fn write(w: &mut dyn Write, v: &Value, indent: usize) -> io::Result<()> {
    let text = crate::sanitize::json_pretty(v);
    if indent == 0 {
        return w.write_all(text.as_bytes());
    }
    let pad = format!("\n{}", " ".repeat(indent));
    w.write_all(text.replace('\n', &pad).as_bytes())
}

/// A whole value, pretty-printed, with a final newline.
pub fn to_string(v: &Value) -> String {
    let mut out = Vec::new();
    write(&mut out, v, 0).expect("writing to memory");
    out.push(b'\n');
    String::from_utf8(out).expect("JSON is UTF-8")
}

//! The cc:Mail Import/Export text format (.CCM files the connector writes and reads): messages
//! that start with `Message:` and a size line (/ITEMSIZE), header lines `Key: value` (folded
//! lines continue them), `Contents:` and its size line, then text and file items. One pass over
//! the lines (`machine`) finds the messages; the header area of each is read for text that is
//! not a header line (`header`), the body for console output, and the sizes are checked
//! (`sizes`; a mismatch is an anomaly, never an error). Findings and damaged headers are
//! handed out in file order as each becomes final; memory stays bounded for any input (messages
//! kept up to [`MAX_MESSAGES`], fields and anomalies per message capped).

mod header;
mod machine;
mod sizes;

use super::model::Model;
use super::signatures::SignatureSet;
use super::{DamagedHeader, Finding};

/// Messages kept per file (more are counted, not kept).
pub const MAX_MESSAGES: usize = 50_000;
/// Header fields kept per message, and the longest value kept (in bytes).
pub const MAX_FIELDS: usize = 32;
pub const MAX_VALUE: usize = 256;
/// Anomalies kept per message.
pub const MAX_ANOMALIES: usize = 16;

/// One message of a .CCM file.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub index: usize,
    /// Start of the `Message:` line (or of the first header line where that line is missing).
    pub header_start: u64,
    /// End of the size line after `Contents:`: the header block is `[header_start, header_end)`.
    pub header_end: u64,
    /// End of the message (start of the next one, or end of file).
    pub end: u64,
    /// Header fields in order (at most [`MAX_FIELDS`], values cut at [`MAX_VALUE`] bytes).
    pub fields: Vec<(String, String)>,
    /// Header fields past the first [`MAX_FIELDS`], counted, not kept.
    pub fields_not_kept: u32,
    pub anomalies: Vec<String>,
    /// Anomalies past the first [`MAX_ANOMALIES`], counted, not kept.
    pub anomalies_not_kept: u32,
}

/// Where the parser's results go, in file order.
pub trait Emit {
    /// A finding, numbered.
    fn finding(&mut self, f: Finding);
    /// A damaged header, after the findings it holds.
    fn header(&mut self, h: DamagedHeader);
    /// A message, when it ends.
    fn message(&mut self, m: Message);
    /// False once no more messages are kept (the parser then skips building them).
    fn keeps_messages(&self) -> bool;
    /// A message was read and not kept.
    fn message_not_kept(&mut self) {}
}

/// True when the text looks like a .CCM file: a `Message:` line near the start.
pub fn looks_like_ccm(b: &[u8]) -> bool {
    let head = &b[..b.len().min(64 * 1024)];
    memchr::memmem::find_iter(head, b"Message:").any(|i| {
        (i == 0 || head[i - 1] == b'\n')
            && matches!(
                head.get(i + 8),
                None | Some(b'\r') | Some(b'\n') | Some(b' ')
            )
    })
}

/// True when the text holds, in its first 64 KiB, the header of a message whose `Message:` line
/// is lost (console output overwrote it, KB Q179072): field lines of known keys closed by
/// `Contents:` and a size line, as the parser finds such headers inside bodies. Taken for a
/// file whose name is a connector's (`.CCM`, `.TMP`, ...) only: a text file of another name
/// may quote a header.
pub fn looks_like_headless_ccm(b: &[u8]) -> bool {
    let head = &b[..b.len().min(64 * 1024)];
    let mut run = 0usize;
    let mut contents = false;
    for l in crate::detect::lines::lines(head, 0, head.len()) {
        let t = l.text(head);
        if std::mem::take(&mut contents)
            && matches!(
                sizes::size_of(t),
                Some(sizes::Size::Bytes(_) | sizes::Size::TooLarge(_))
            )
        {
            return true;
        }
        match header::field(t) {
            Some((k, _)) if run > 0 && k.eq_ignore_ascii_case(b"Contents") => {
                contents = true;
                run = 0;
            }
            Some((k, _)) if header::known_key(k) => run += 1,
            _ => run = 0,
        }
    }
    false
}

/// Parses a .CCM file, handing results to `emit` as they become final; `release(from, to)` is
/// told which bytes are done with.
pub fn parse(b: &[u8], sigs: &SignatureSet, emit: &mut dyn Emit, release: &dyn Fn(usize, usize)) {
    parse_with(b, sigs, Model::builtin(), emit, release);
}

/// [`parse`] with another text model.
pub fn parse_with(
    b: &[u8],
    sigs: &SignatureSet,
    model: &Model,
    emit: &mut dyn Emit,
    release: &dyn Fn(usize, usize),
) {
    machine::Parser::new(b, sigs, model, emit).run(release);
}

/// Everything at once: the messages (up to [`MAX_MESSAGES`]), the findings (numbered, in file
/// order) and the damaged headers that hold them.
pub fn analyze(b: &[u8], sigs: &SignatureSet) -> (Vec<Message>, Vec<Finding>, Vec<DamagedHeader>) {
    #[derive(Default)]
    struct All(Vec<Message>, Vec<Finding>, Vec<DamagedHeader>);
    impl Emit for All {
        fn finding(&mut self, f: Finding) {
            self.1.push(f);
        }
        fn header(&mut self, h: DamagedHeader) {
            self.2.push(h);
        }
        fn message(&mut self, m: Message) {
            self.0.push(m);
        }
        fn keeps_messages(&self) -> bool {
            self.0.len() < MAX_MESSAGES
        }
    }
    let mut all = All::default();
    parse(b, sigs, &mut all, &|_, _| {});
    (all.0, all.1, all.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::FindingKind;

    const SAMPLE: &str = "Message:\r\n179\r\nFrom: Grewal, Jeff at Hub\r\nDate: 6/2/98 8:39\r\nTo: Admin at HUBPO2\r\nSubject: Another message\r\nContents:\r\n58\r\nText item:\r\n32\r\nThis is the message body\r\n";

    #[test]
    fn clean_sample_parses_with_size_anomalies_only() {
        let (msgs, findings, headers) = analyze(SAMPLE.as_bytes(), &SignatureSet::builtin());
        assert_eq!(findings, vec![]);
        assert_eq!(headers, vec![]);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].header_start, 0);
        assert_eq!(&SAMPLE[msgs[0].header_end as usize..][..11], "Text item:\r");
        assert_eq!(
            msgs[0].fields[0],
            ("From".to_string(), "Grewal, Jeff at Hub".to_string())
        );
        assert!(
            msgs[0]
                .anomalies
                .iter()
                .any(|a| a.starts_with("Message: declared 179 bytes")),
            "{:?}",
            msgs[0].anomalies
        );
    }

    #[test]
    fn console_before_and_inside_header() {
        let w =
            "\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
        let text = format!("{w}{SAMPLE}");
        let (msgs, f, dh) = analyze(text.as_bytes(), &SignatureSet::builtin());
        assert_eq!(msgs.len(), 1);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FindingKind::ConsoleWrite);
        assert_eq!((f[0].start, f[0].end), (0, w.len() as u64));
        assert!(f[0].suspected(), "{:?}", f[0]);
        assert_eq!(dh.len(), 1);
        assert_eq!((dh[0].start, dh[0].end), (0, msgs[0].header_end));
        assert_eq!(dh[0].writes, vec![f[0].id]);
        assert_eq!(f[0].header, Some(dh[0].id));

        let inside = SAMPLE.replace("Date:", &format!("{}Date:", &w[2..]));
        let (_, f, dh) = analyze(inside.as_bytes(), &SignatureSet::builtin());
        let at = inside.find("\r\nExporting").unwrap() as u64;
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].start, f[0].end), (at, at + w.len() as u64 - 2));
        assert_eq!(f[0].message, Some(0));
        assert_eq!(dh[0].writes, vec![1]);
    }

    #[test]
    fn a_size_line_of_any_length_is_a_size_line() {
        // A size of 13 digits, or one past 2^64, is still the size line: the write after it
        // starts at the write's own line end, not at the digits.
        let w =
            "\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
        for size in ["1234567890123", "99999999999999999999999"] {
            let text = SAMPLE.replacen("179\r\n", &format!("{size}\r\n{w}"), 1);
            let (msgs, f, dh) = analyze(text.as_bytes(), &SignatureSet::builtin());
            let at = text.find(w).unwrap() as u64;
            // The message's part starts right after its size line.
            let said = match size.len() {
                13 => format!(
                    "Message: declared {size} bytes, {} found",
                    text.len() as u64 - at
                ),
                _ => "Message: the size has 23 digits, more than any file can hold".to_string(),
            };
            assert_eq!(f.len(), 1, "{f:?}");
            assert_eq!(f[0].kind, FindingKind::ConsoleWrite);
            assert_eq!((f[0].start, f[0].end), (at, at + w.len() as u64));
            assert_eq!(dh.len(), 1);
            assert_eq!(msgs[0].anomalies[0], said);
            assert_eq!(msgs[0].fields[0].0, "From");
        }
    }

    #[test]
    fn a_declared_size_past_the_file_hides_no_header() {
        // A header whose `Message:` line was overwritten, after an item whose size runs past
        // the file's end: the header is still found (the size is no guide to the item's end).
        let w = "\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
        for size in ["26", "999999999", "9999999999999", "99999999999999999999"] {
            let text = format!(
                "Message:\r\n179\r\nFrom: Grewal, Jeff at Hub\r\nSubject: one\r\nContents:\r\n58\r\n\
                 Text item:\r\n{size}\r\nThis is the message body\r\n{w}From: Doe, Jane at Hub\r\n\
                 Subject: two\r\nContents:\r\n40\r\nText item:\r\n26\r\nThis is the second body\r\n"
            );
            let (msgs, f, dh) = analyze(text.as_bytes(), &SignatureSet::builtin());
            assert_eq!(msgs.len(), 2, "{size}");
            assert_eq!(dh.len(), 1, "{size}");
            assert!(dh[0].missing_keyword, "{size}");
            assert_eq!(dh[0].message, Some(1));
            // With the exact size, the text after the item is apart from it and read as a write
            // of its own; without it, that text is read with the body's (a known weakness of
            // console output right after other text).
            if size == "26" {
                let at = text.find(w).unwrap() as u64;
                assert_eq!(f.len(), 1, "{size}: {f:?}");
                assert_eq!((f[0].start, f[0].end), (at, at + w.len() as u64));
                assert_eq!(dh[0].writes, vec![f[0].id]);
            }
        }
    }

    #[test]
    fn fields_and_anomalies_past_the_caps_are_counted() {
        // 40 `Cc:` fields and 20 text items whose sizes are wrong: 32 fields and 16 anomalies
        // are kept, the rest counted (exact or loud: JSON and the details pane say them).
        let cc: String = (0..40)
            .map(|i| format!("Cc: User {i} at HUB\r\n"))
            .collect();
        let items: String = (0..20)
            .map(|i| format!("Text item:\r\n1\r\nbody {i}\r\n"))
            .collect();
        let text = format!("Message:\r\n1\r\nFrom: A at HUB\r\n{cc}Contents:\r\n1\r\n{items}");
        let (msgs, _, _) = analyze(text.as_bytes(), &SignatureSet::builtin());
        assert_eq!(msgs.len(), 1);
        let m = &msgs[0];
        assert_eq!(m.fields.len(), MAX_FIELDS);
        assert_eq!(
            m.fields[31],
            ("Cc".to_string(), "User 30 at HUB".to_string())
        );
        assert_eq!(m.fields_not_kept, 41 - MAX_FIELDS as u32);
        assert_eq!(m.anomalies.len(), MAX_ANOMALIES);
        // Message:, Contents: and 20 items are each declared wrong.
        assert_eq!(
            m.anomalies_not_kept,
            22 - MAX_ANOMALIES as u32,
            "{:?}",
            m.anomalies
        );
    }

    #[test]
    fn folded_lines_and_stray_lines() {
        let folded = SAMPLE.replace(
            "Subject: Another message\r\n",
            "Subject: Another\r\n  message with a long subject\r\n",
        );
        let (msgs, f, dh) = analyze(folded.as_bytes(), &SignatureSet::builtin());
        assert!(f.is_empty() && dh.is_empty(), "{f:?}");
        assert_eq!(msgs[0].fields.len(), 4);
        assert_eq!(msgs[0].fields[3].1, "Another message with a long subject");
        let stray = SAMPLE.replace("To:", "x7 ]]\r\nTo:");
        let (_, f, dh) = analyze(stray.as_bytes(), &SignatureSet::builtin());
        let at = stray.find("x7").unwrap() as u64;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FindingKind::CcmHeaderAnomaly);
        assert_eq!((f[0].start, f[0].end), (at, at + 7));
        assert_eq!(dh[0].anomalies, vec![1]);
        assert!(dh[0].writes.is_empty());
    }

    #[test]
    fn memory_stays_bounded_on_endless_messages() {
        let unit = b"Message:\r\n10\r\nFrom: a\r\n";
        let mut b = Vec::with_capacity(unit.len() * 120_000);
        for _ in 0..120_000 {
            b.extend_from_slice(unit);
        }
        let (msgs, f, _) = analyze(&b, &SignatureSet::builtin());
        assert_eq!(msgs.len(), MAX_MESSAGES);
        assert!(f.is_empty());
        assert!(msgs[1].anomalies.iter().any(|a| a == "no 'Contents:' line"));
    }
}

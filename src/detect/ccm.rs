//! The cc:Mail Import/Export text format (.CCM files the connector writes and reads): messages
//! that start with `Message:` and a size line (/ITEMSIZE), header lines `Key: value`,
//! `Contents:` and its size line, then text and file items. Sizes are checked and a mismatch is
//! reported as an anomaly, never as an error (the KB's own sample does not add up). Text in a
//! header that is not a header line, and text before the first message, is console output
//! written into the file.

use super::console::{line_score, names_in};
use super::signatures::SignatureSet;
use super::{DamagedHeader, Finding, FindingKind, Reason};

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
    pub fields: Vec<(String, String)>,
    pub anomalies: Vec<String>,
}

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

fn lines(b: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            let content_end = if i > start && b[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(Line {
                start,
                content_end,
                end: i + 1,
            });
            start = i + 1;
        }
    }
    if start < b.len() {
        out.push(Line {
            start,
            content_end: b.len(),
            end: b.len(),
        });
    }
    out
}

fn text(b: &[u8], l: &Line) -> String {
    String::from_utf8_lossy(&b[l.start..l.content_end]).into_owned()
}

fn is_keyword(t: &str, kw: &str) -> bool {
    t.trim_end().eq_ignore_ascii_case(kw)
}

/// A size line: digits, or blanks where Export wrote spaces for a size (KB Q287056).
fn size_of(t: &str) -> Option<Option<u64>> {
    let s = t.trim();
    if s.is_empty() && !t.is_empty() {
        return Some(None);
    }
    (!s.is_empty() && s.len() <= 12 && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
}

fn header_field(t: &str) -> Option<(String, String)> {
    let (k, v) = t.split_once(':')?;
    let ok = !k.is_empty()
        && k.len() <= 32
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-' || c == '.');
    ok.then(|| (k.trim().to_string(), v.trim().to_string()))
}

const HEADER_KEYS: &[&str] = &[
    "from", "to", "date", "subject", "cc", "bcc", "priority", "contents",
];

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

/// Ends the open message where line `l` starts and opens the next one there.
fn open_message(messages: &mut Vec<Message>, l: &Line, len: usize, anomaly: Option<&str>) {
    if let Some(m) = messages.last_mut() {
        m.end = l.start as u64;
    }
    messages.push(Message {
        index: messages.len(),
        header_start: l.start as u64,
        header_end: l.end as u64,
        end: len as u64,
        fields: Vec::new(),
        anomalies: anomaly.map(|a| vec![a.to_string()]).unwrap_or_default(),
    });
}

#[derive(PartialEq, Clone, Copy, Debug)]
enum State {
    Outside,
    MessageSize,
    Header,
    ContentsSize,
    Body,
}

struct Group {
    start: usize,
    end: usize,
    lines: Vec<String>,
    message: Option<usize>,
}

/// Parses a .CCM file; returns its messages, the console-write findings (numbered, in file
/// order) and the damaged headers that hold them.
pub fn analyze(b: &[u8], sigs: &SignatureSet) -> (Vec<Message>, Vec<Finding>, Vec<DamagedHeader>) {
    let ls = lines(b);
    let mut messages: Vec<Message> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut open: Option<Group> = None;
    let mut state = State::Outside;
    // Declared sizes: (message, label, declared, where the part starts, where its keyword line starts).
    let mut sizes: Vec<(usize, &'static str, Option<u64>, usize, usize)> = Vec::new();
    let mut body_lines: Vec<usize> = Vec::new();

    let close_group = |open: &mut Option<Group>, groups: &mut Vec<Group>| {
        if let Some(g) = open.take() {
            if g.lines.iter().any(|l| !l.trim().is_empty()) {
                groups.push(g);
            }
        }
    };

    let mut idx = 0;
    while idx < ls.len() {
        let l = ls[idx];
        let t = text(b, &l);
        let at_message = is_keyword(&t, "Message:");
        if at_message {
            // Console lines at the very end of the previous body, right before this header.
            if state == State::Body {
                let mut k = body_lines.len();
                let mut found = None;
                while k > 0 && body_lines.len() - k < 8 {
                    let li = ls[body_lines[k - 1]];
                    let lt = text(b, &li);
                    if lt.trim().is_empty() {
                        k -= 1;
                        continue;
                    }
                    let (score, hit) = line_score(&lt, sigs);
                    if hit.is_some() || score >= 0.5 {
                        found = Some(k - 1);
                        k -= 1;
                    } else {
                        break;
                    }
                }
                if let Some(first) = found {
                    // include blank lines just before it
                    let mut f = first;
                    while f > 0 && text(b, &ls[body_lines[f - 1]]).trim().is_empty() {
                        f -= 1;
                    }
                    let li: Vec<usize> = body_lines[f..].to_vec();
                    groups.push(Group {
                        start: ls[li[0]].start,
                        end: ls[*li.last().unwrap()].end,
                        lines: li.iter().map(|&i| text(b, &ls[i])).collect(),
                        message: Some(messages.len()),
                    });
                }
            }
            close_group(&mut open, &mut groups);
            if let Some(g) = groups.last_mut() {
                if g.message.is_none() && g.end == l.start {
                    g.message = Some(messages.len());
                }
            }
            open_message(&mut messages, &l, b.len(), None);
            body_lines.clear();
            state = State::MessageSize;
            idx += 1;
            continue;
        }
        match state {
            State::MessageSize | State::ContentsSize => {
                let m = messages.last_mut().expect("a message is open");
                let label = if state == State::MessageSize {
                    "Message"
                } else {
                    "Contents"
                };
                match size_of(&t) {
                    Some(size) => {
                        if size.is_none() {
                            m.anomalies.push(format!("{label}: the size is blank"));
                        }
                        sizes.push((m.index, label, size, l.end, l.start));
                        m.header_end = l.end as u64;
                        state = if state == State::MessageSize {
                            State::Header
                        } else {
                            State::Body
                        };
                        idx += 1;
                    }
                    None => {
                        m.anomalies.push(format!("{label}: no size line after it"));
                        state = if state == State::MessageSize {
                            State::Header
                        } else {
                            State::Body
                        };
                    }
                }
                continue;
            }
            State::Header | State::Outside => {
                let field = header_field(&t);
                let is_header_line = field.as_ref().is_some_and(|(k, _)| {
                    state == State::Header || HEADER_KEYS.contains(&k.to_ascii_lowercase().as_str())
                });
                if is_header_line && !t.trim().is_empty() {
                    if state == State::Outside {
                        // Header lines with no `Message:` before them: the keyword was lost.
                        close_group(&mut open, &mut groups);
                        open_message(
                            &mut messages,
                            &l,
                            b.len(),
                            Some("header without a 'Message:' line before it"),
                        );
                        if let Some(g) = groups.last_mut() {
                            if g.message.is_none() {
                                g.message = Some(messages.len() - 1);
                            }
                        }
                        state = State::Header;
                    }
                    close_group(&mut open, &mut groups);
                    let (k, v) = field.expect("checked");
                    let m = messages.last_mut().expect("a message is open");
                    m.header_end = l.end as u64;
                    if k.eq_ignore_ascii_case("Contents") {
                        state = State::ContentsSize;
                    } else {
                        m.fields.push((k, v));
                    }
                } else {
                    // Not a header line: console output (or blank lines around it).
                    let g = open.get_or_insert(Group {
                        start: l.start,
                        end: l.end,
                        lines: Vec::new(),
                        message: (state == State::Header).then(|| messages.len() - 1),
                    });
                    g.end = l.end;
                    g.lines.push(t.clone());
                    if state == State::Header {
                        messages.last_mut().expect("open").header_end = l.end as u64;
                    }
                }
            }
            State::Body => {
                body_lines.push(idx);
                let tt = t.trim_end();
                for (kw, label) in [("Text item:", "Text item"), ("File item:", "File item")] {
                    if tt.eq_ignore_ascii_case(kw) {
                        if let Some(next) = ls.get(idx + 1) {
                            if let Some(size) = size_of(&text(b, next)) {
                                if size.is_none() {
                                    messages
                                        .last_mut()
                                        .expect("open")
                                        .anomalies
                                        .push(format!("{label}: the size is blank"));
                                }
                                sizes.push((messages.len() - 1, label, size, next.end, l.start));
                            }
                        }
                    }
                }
            }
        }
        idx += 1;
    }
    close_group(&mut open, &mut groups);

    // Sizes: each declared size against the bytes up to the end of its part.
    for (i, &(mi, label, declared, start, _)) in sizes.iter().enumerate() {
        let Some(declared) = declared else { continue };
        let m = &messages[mi];
        let is_item = |l: &str| l == "Text item" || l == "File item";
        let part_end = if is_item(label) {
            sizes[i + 1..]
                .iter()
                .find(|s| s.0 == mi && is_item(s.1))
                .map_or(m.end, |s| s.4 as u64)
        } else {
            m.end
        };
        let measured = part_end.saturating_sub(start as u64);
        if measured != declared {
            let msg = format!("{label}: declared {declared} bytes, {measured} found");
            messages[mi].anomalies.push(msg);
        }
    }

    let mut findings = Vec::new();
    for g in &groups {
        let joined = g.lines.join("\r\n");
        let mut best = 0.0f32;
        let mut hit = None;
        for l in &g.lines {
            let (s, h) = line_score(l, sigs);
            if s > best {
                best = s;
                hit = h.or(hit);
            }
        }
        let base = if g.message.is_some() { 0.55 } else { 0.5 };
        let conf = (base + 0.45 * best).min(0.99);
        let (mut mailbox, mut file) = names_in(&joined);
        if let Some(h) = &hit {
            mailbox = h.mailbox.as_deref().map(Into::into).or(mailbox);
            file = h.file.as_deref().map(Into::into).or(file);
        }
        let why = match g.message {
            Some(mi) if (g.start as u64) < messages[mi].header_start => {
                Reason::BeforeHeader(mi as u32 + 1)
            }
            Some(mi) => Reason::InsideHeader(mi as u32 + 1),
            None => Reason::OutsideMessages,
        };
        let mut f = Finding::new(
            FindingKind::ConsoleWrite,
            g.start as u64,
            g.end as u64,
            conf,
        );
        f.reasons.push(why);
        if let Some(h) = &hit {
            f.reasons.push(Reason::Signature { partial: h.partial });
        }
        f.mailbox = mailbox;
        f.file = file;
        f.signature = hit.map(|h| h.name.into());
        f.message = g.message.map(|m| m as u32);
        findings.push(f);
    }
    findings.sort_by_key(|f| (f.start, f.kind));
    for (i, f) in findings.iter_mut().enumerate() {
        f.id = i as u32 + 1;
    }
    let headers = damaged_headers(&messages, &mut findings);
    (messages, findings, headers)
}

/// Damaged headers: each message hit by console output, or whose `Message:` line is lost.
fn damaged_headers(messages: &[Message], findings: &mut [Finding]) -> Vec<DamagedHeader> {
    let mut headers = Vec::new();
    for m in messages {
        let hits: Vec<usize> = (0..findings.len())
            .filter(|&i| findings[i].message == Some(m.index as u32))
            .collect();
        let missing_keyword = m.anomalies.iter().any(|a| a.starts_with("header without"));
        if hits.is_empty() && !missing_keyword {
            continue;
        }
        let start = hits
            .iter()
            .map(|&i| findings[i].start)
            .min()
            .unwrap_or(m.header_start)
            .min(m.header_start);
        let confidence = hits
            .iter()
            .map(|&i| findings[i].confidence)
            .fold(if missing_keyword { 0.6 } else { 0.0 }, f32::max);
        let id = headers.len() as u32 + 1;
        for &i in &hits {
            findings[i].header = Some(id);
        }
        headers.push(DamagedHeader {
            id,
            start,
            end: m.header_end.max(start + 1),
            confidence,
            writes: hits.iter().map(|&i| findings[i].id).collect(),
            anomalies: Vec::new(),
            message: Some(m.index as u32),
            missing_keyword,
        });
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let cw: Vec<_> = f
            .iter()
            .filter(|x| x.kind == FindingKind::ConsoleWrite)
            .collect();
        assert_eq!(cw.len(), 1);
        assert_eq!((cw[0].start, cw[0].end), (0, w.len() as u64));
        assert!(cw[0].confidence > 0.9);
        assert_eq!(dh.len(), 1);
        assert_eq!(dh[0].start, 0);
        assert_eq!(dh[0].end, msgs[0].header_end);
        assert_eq!(dh[0].writes, vec![cw[0].id]);
        assert_eq!(cw[0].header, Some(dh[0].id));

        let inside = SAMPLE.replace("Date:", &format!("{}Date:", &w[2..]));
        let (_, f, _) = analyze(inside.as_bytes(), &SignatureSet::builtin());
        let cw: Vec<_> = f
            .iter()
            .filter(|x| x.kind == FindingKind::ConsoleWrite)
            .collect();
        let at = inside.find("\r\nExporting").unwrap() as u64;
        assert_eq!((cw[0].start, cw[0].end), (at, at + w.len() as u64 - 2));
        assert_eq!(cw[0].message, Some(0));
    }
}

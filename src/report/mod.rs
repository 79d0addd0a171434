//! Documents for readers without the tool: scan results (text, JSON, CSV; `scan`) and annotated
//! dumps (text that reads like the KB article and parses back with `undump`, self-contained
//! HTML, JSON; `export`). Every dump line comes from the shared formatter, every colour from the
//! one palette, every overlay decision from [`overlay`]; everything from the file or from notes
//! is sanitized (text) or escaped (HTML, JSON).

pub mod export;
pub mod html;
pub mod json;
pub mod overlay;
pub mod related;
pub mod scan;
pub mod text;
pub mod xref;

use crate::address::Origin;
use crate::detect::{DamagedHeader, Finding, FindingKind, Report};
use crate::dump::Overlay;
use crate::notes::{Note, Sidecar};
use crate::{sanitize, VERSION};
use std::collections::BTreeMap;

/// Distinct mailboxes, and distinct file names, that a scan's summary keeps of each (the first
/// named; the times a name not kept is named are counted).
pub(crate) const MAX_AFFECTED: usize = 10_000;

/// Of those, the names listed in the text summary's `mailboxes:` and `files named:` lines (the
/// first in name order; how many more are kept is said).
pub(crate) const AFFECTED_LISTED: usize = 1_000;

/// Mailboxes and .CCM/.TMP names named by console writes, with counts, in name order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affected {
    pub mailboxes: BTreeMap<String, usize>,
    pub files: BTreeMap<String, usize>,
    /// The times a write named a mailbox, and a file (in that order), not kept: beyond `limit`
    /// distinct names of that kind.
    pub not_kept: [u64; 2],
    /// Distinct names of each kind kept at most.
    limit: usize,
}

impl Default for Affected {
    /// Every name (one file's findings, themselves capped at [`crate::detect::MAX_FINDINGS`]).
    fn default() -> Self {
        Affected::bounded(usize::MAX)
    }
}

impl Affected {
    /// Keeps at most `limit` distinct mailboxes and `limit` distinct file names, the first
    /// named, and counts the rest.
    pub(crate) fn bounded(limit: usize) -> Affected {
        Affected {
            mailboxes: BTreeMap::new(),
            files: BTreeMap::new(),
            not_kept: [0; 2],
            limit,
        }
    }

    /// Counts the names of one console write.
    pub fn add(&mut self, f: &Finding) {
        if f.kind != FindingKind::ConsoleWrite {
            return;
        }
        for m in f.mailboxes() {
            Self::count(&mut self.mailboxes, &mut self.not_kept[0], self.limit, m);
        }
        for n in f.files() {
            Self::count(&mut self.files, &mut self.not_kept[1], self.limit, n);
        }
    }

    fn count(map: &mut BTreeMap<String, usize>, not_kept: &mut u64, limit: usize, name: &str) {
        if let Some(n) = map.get_mut(name) {
            *n += 1;
        } else if map.len() < limit {
            map.insert(name.to_string(), 1);
        } else {
            *not_kept += 1;
        }
    }

    /// Counts the names of `findings`.
    pub fn of<'a>(findings: impl Iterator<Item = &'a Finding>) -> Affected {
        let mut a = Affected::default();
        for f in findings {
            a.add(f);
        }
        a
    }

    /// The mailboxes (`mailboxes`), else the file names, as one line of text: the first
    /// `listed` as [`counted`] gives them, how many more are kept, and how often names beyond
    /// those kept were named.
    pub(crate) fn said(&self, mailboxes: bool, listed: usize) -> String {
        let (map, not_kept) = if mailboxes {
            (&self.mailboxes, self.not_kept[0])
        } else {
            (&self.files, self.not_kept[1])
        };
        let mut s = counted_first(map, listed);
        if map.len() > listed {
            s.push_str(&format!(" and {} more", map.len() - listed));
        }
        if not_kept > 0 {
            s.push_str(&format!(
                "; names beyond the first {} not kept, named {not_kept} time(s)",
                grouped(self.limit as u64)
            ));
        }
        s
    }
}

/// `name (count), …` or `none`, sanitized.
pub(crate) fn counted(map: &BTreeMap<String, usize>) -> String {
    counted_first(map, usize::MAX)
}

/// [`counted`] of the first `n` names only.
fn counted_first(map: &BTreeMap<String, usize>, n: usize) -> String {
    if map.is_empty() {
        return "none".into();
    }
    map.iter()
        .take(n)
        .map(|(k, v)| format!("{} ({v})", sanitize::line(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `n` with its thousands grouped, as caps are said: `10,000`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Findings listed at `min` confidence.
pub fn listed(r: &Report, min: f32) -> impl Iterator<Item = &Finding> {
    r.findings.iter().filter(move |f| f.confidence >= min)
}

/// Damaged headers listed at `min` confidence.
pub fn listed_headers(r: &Report, min: f32) -> impl Iterator<Item = &DamagedHeader> {
    r.headers.iter().filter(move |h| h.confidence >= min)
}

/// `N damaged header(s), N console write(s), N plain text, N header anomalies`.
pub(crate) fn by_kind(r: &Report, min: f32) -> String {
    let mut n = [0usize; 3];
    for f in listed(r, min) {
        n[f.kind as usize] += 1;
    }
    format!(
        "{} damaged header(s), {} console write(s), {} plain text, {} header anomal{}",
        listed_headers(r, min).count(),
        n[FindingKind::ConsoleWrite as usize],
        n[FindingKind::PlainText as usize],
        n[FindingKind::CcmHeaderAnomaly as usize],
        if n[FindingKind::CcmHeaderAnomaly as usize] == 1 {
            "y"
        } else {
            "ies"
        }
    )
}

/// Cuts display text to `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

/// The time now, RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    crate::utc::rfc3339(std::time::SystemTime::now())
}

/// What an excerpt is about.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    /// A damaged header and the writes inside it.
    Header(&'a DamagedHeader),
    /// One finding outside any damaged header.
    Finding(&'a Finding),
    /// A range the examiner asked for.
    Range,
    /// An examiner's note outside every other excerpt.
    Note(&'a Note),
}

/// A marked stretch of an excerpt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    pub start: u64,
    pub end: u64,
    pub overlay: Overlay,
    /// The finding marked, if it is one.
    pub finding: Option<u32>,
    /// An examiner's note (the text export marks its bytes apart from the subject's).
    pub note: bool,
}

/// One dumped piece of an export: the lines `[from, to)` shown, the marks inside them, and
/// what it is about.
pub struct Excerpt<'a> {
    pub subject: Subject<'a>,
    /// The range the subject covers (shown up to [`MAX_EXCERPT_LINES`] lines, a range asked
    /// for up to [`MAX_RANGE_LINES`]).
    pub start: u64,
    pub end: u64,
    /// Marks, outer ones (a header) first.
    pub marks: Vec<Mark>,
    /// The findings inside, in order (a header's writes; the finding itself).
    pub findings: Vec<&'a Finding>,
    pub from: u64,
    pub to: u64,
    /// Bytes of the subject not shown (long subjects are cut).
    pub cut: u64,
    pub notes: Vec<&'a Note>,
}

impl Excerpt<'_> {
    /// The shown end of the subject's range.
    pub fn shown_end(&self) -> u64 {
        self.end - self.cut
    }

    /// How the bytes not shown can be had, as export options (an export shows
    /// [`MAX_RANGE_LINES`] lines of a range at most and says this again for the rest) and as a
    /// dump (`origin`: the document's).
    pub fn rest_advice(&self, origin: crate::address::Origin) -> String {
        let at = origin.address(self.shown_end());
        let parts = if self.cut > MAX_RANGE_LINES * 16 {
            " (1 MiB an export)"
        } else {
            ""
        };
        // The address is the document's: with its origin, which another run may not take.
        format!(
            "export them with --origin {origin} --from {at} --length {}{parts}, or dump them with clanscope dump --origin {origin} --from {at} --length {}",
            self.cut, self.cut
        )
    }

    /// The first byte of the excerpt's own lines: its subject's start, or the start of a note
    /// on it that starts before it, up to [`MAX_EXCERPT_LINES`] lines before (a note starting
    /// further back is said to, [`Excerpt::note_reach`]).
    pub fn first_own(&self) -> u64 {
        let bound = self.start.saturating_sub(MAX_EXCERPT_LINES * 16);
        self.notes
            .iter()
            .map(|n| n.start)
            .min()
            .map_or(self.start, |s| s.clamp(bound, self.start))
    }

    /// Where note `n` reaches beyond the lines shown here, as words for its line: it starts
    /// before them, runs on past them (short of the end of the file, `len`, said otherwise), or
    /// both; `None` when they hold it whole (or show nothing, their bytes being in the excerpt
    /// before).
    pub fn note_reach(&self, n: &Note, len: u64) -> Option<&'static str> {
        if self.from >= self.to {
            return None;
        }
        let end = n.end.max(n.start + 1).min(len);
        match (n.start < self.from, end > self.to) {
            (true, true) => Some("it starts before the lines shown here and runs on past them"),
            (true, false) => Some("it starts before the lines shown here"),
            (false, true) => Some("it runs on past the lines shown here"),
            (false, false) => None,
        }
    }

    /// What an excerpt whose lines were all shown by the one before says in their place
    /// ([`crate::report::export::excerpts`]: a line is never shown twice).
    pub fn shown_before(&self) -> Option<&'static str> {
        (self.from >= self.to)
            .then_some("its bytes are in the lines of the excerpt before, marked there")
    }

    /// An anchor name: `h1` for header 1, `f3` for finding 3, `r15872` for a range.
    pub fn anchor(&self) -> String {
        match self.subject {
            Subject::Header(h) => format!("h{}", h.id),
            Subject::Finding(f) => format!("f{}", f.id),
            Subject::Range => format!("r{}", self.start),
            Subject::Note(_) => format!("n{}", self.start),
        }
    }

    /// The strongest overlay at file offset `x`, if any mark covers it.
    pub fn overlay_at(&self, x: u64) -> Option<Overlay> {
        self.overlay_of(x, None, true)
    }

    /// [`Excerpt::overlay_at`], leaving out marks of overlay `but` (the text export leaves out
    /// healthy .CCM headers, so a note inside one still shows) and, unless `notes`, the marks
    /// of notes.
    pub fn overlay_of(&self, x: u64, but: Option<Overlay>, notes: bool) -> Option<Overlay> {
        let limit = self.mark_limit();
        overlay::strongest(
            self.marks
                .iter()
                .filter(|m| x >= m.start && x < m.end.min(limit) && Some(m.overlay) != but)
                .filter(|m| notes || !m.note)
                .map(|m| m.overlay),
        )
    }

    /// Whether `x` lies in a note's bytes marked here.
    pub fn note_at(&self, x: u64) -> bool {
        let limit = self.mark_limit();
        self.marks
            .iter()
            .any(|m| m.note && x >= m.start && x < m.end.min(limit))
    }

    /// Where marks end: a subject cut short is marked up to where it is cut; otherwise every
    /// mark in the lines shown (a note or a write in a line shared with the next excerpt is
    /// marked here).
    fn mark_limit(&self) -> u64 {
        if self.cut > 0 {
            self.shown_end()
        } else {
            self.to
        }
    }
}

/// Addresses of notes left out of an export that its summary lists (the rest are counted).
pub const NOTES_LISTED: usize = 20;

/// Lines of dump shown at most for one excerpt of a finding, header or note.
pub const MAX_EXCERPT_LINES: u64 = 256;

/// Lines of dump shown at most for a range the examiner asked for (`--from`/`--length`): 1 MiB
/// of bytes. An export is built in memory, so a longer range is exported in parts (the cut
/// excerpt says how), or dumped whole with `clanscope dump`, which streams.
pub const MAX_RANGE_LINES: u64 = 65_536;

/// Which file an export is about, or compares with: its name, size and SHA-256, stated the
/// same way for both (the header's lines, JSON's object).
pub struct Identity<'a> {
    /// The file's name, sanitized ([`sanitize::path`]).
    pub path: String,
    /// The file's path as given, for JSON's exact name ([`json::set_path`]); `None` for bytes
    /// that did not come from a file.
    pub file: Option<&'a std::path::Path>,
    pub size: u64,
    pub sha256: String,
}

impl Identity<'_> {
    /// The name, size and SHA-256 as header lines under `labels` (name, size, hash); every value
    /// already sanitized.
    pub fn lines(&self, [name, size, sha]: [&str; 3]) -> [(String, String); 3] {
        [
            (name.into(), self.path.clone()),
            (size.into(), crate::address::bytes(self.size)),
            (sha.into(), self.sha256.clone()),
        ]
    }

    /// `{"path", "size", "sha256"}`, the path exactly as given (`path_bytes` for a name that is
    /// not UTF-8).
    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "path": self.path,
            "size": self.size,
            "sha256": self.sha256,
        });
        if let Some(p) = self.file {
            json::set_path(&mut v, p);
        }
        v
    }
}

/// The copy an export compares the file with (`export --compare OTHER`).
pub struct Compared<'a> {
    pub id: Identity<'a>,
    pub data: &'a [u8],
}

/// Everything an export shows, gathered once for every format.
pub struct Document<'a> {
    /// The examined file.
    pub id: Identity<'a>,
    pub origin: Origin,
    pub exported: String,
    pub report: &'a Report,
    pub data: &'a [u8],
    pub excerpts: Vec<Excerpt<'a>>,
    pub sidecar: Option<&'a Sidecar>,
    pub min: f32,
    /// A backup copy (`export --compare`): the header names it, and excerpts show what each
    /// write destroyed.
    pub other: Option<Compared<'a>>,
    /// The examiner's name (settings or `--examiner`).
    pub examiner: Option<String>,
    /// The files beside the examined one that names in its writes are linked to.
    pub related: Option<&'a related::Related>,
}

impl Document<'_> {
    /// What the compared file holds under console write `f` (`same` when it holds the same
    /// bytes there).
    pub fn destroyed(&self, f: &Finding) -> Option<crate::compare::Destroyed> {
        if f.kind != FindingKind::ConsoleWrite {
            return None;
        }
        crate::compare::destroyed_by(f, self.data, self.other.as_ref()?.data)
    }

    /// The summary: findings by kind, mailboxes, files named.
    pub fn summary_lines(&self) -> Vec<(String, String)> {
        let a = Affected::of(listed(self.report, self.min));
        vec![
            (
                "Findings".into(),
                format!(
                    "{} (confidence >= {:.2})",
                    by_kind(self.report, self.min),
                    self.min
                ),
            ),
            ("Mailboxes".into(), counted(&a.mailboxes)),
            ("Files named".into(), counted(&a.files)),
        ]
        .into_iter()
        .chain(self.shown_below_min())
        .chain(self.link_lines())
        .chain(self.notes_outside())
        .chain(self.notes_left_out())
        .collect()
    }

    /// The findings and headers an excerpt shows that the counts above leave out, being below
    /// their confidence (an export of a weaker finding asked by its number), so that the
    /// summary does not read as if nothing of the kind were there (review 64).
    fn shown_below_min(&self) -> Option<(String, String)> {
        let mut below: Vec<String> = Vec::new();
        let mut say = |what: String, c: f32| {
            let line = format!("{what} {c:.2}");
            if c < self.min && !below.contains(&line) {
                below.push(line);
            }
        };
        for e in &self.excerpts {
            if let Subject::Header(h) = e.subject {
                say(format!("H{} damaged-header", h.id), h.confidence);
            }
            for f in &e.findings {
                say(format!("#{} {}", f.id, f.kind.name()), f.confidence);
            }
        }
        (!below.is_empty()).then(|| {
            (
                "Also shown".into(),
                format!(
                    "{} (below {:.2}, not counted above)",
                    below.join(", "),
                    self.min
                ),
            )
        })
    }

    /// Notes in the file that no excerpt shows (they lie outside the findings picked, or the
    /// range asked for): how many, where (the first [`NOTES_LISTED`] by address) and how to
    /// have them, so that none is left out without a word (review 38).
    fn notes_left_out(&self) -> Option<(String, String)> {
        let shown = |n: &Note| {
            self.excerpts
                .iter()
                .any(|e| e.notes.iter().any(|m| std::ptr::eq(*m, n)))
        };
        let mut at: Vec<u64> = self
            .sidecar?
            .notes
            .iter()
            .filter(|n| n.start < self.id.size && !shown(n))
            .map(|n| n.start)
            .collect();
        if at.is_empty() {
            return None;
        }
        at.sort_unstable();
        let mut listed: Vec<String> = at
            .iter()
            .take(NOTES_LISTED)
            .map(|&x| self.origin.address(x).to_string())
            .collect();
        if at.len() > NOTES_LISTED {
            listed.push(format!("and {} more", at.len() - NOTES_LISTED));
        }
        let range = self
            .excerpts
            .iter()
            .any(|e| matches!(e.subject, Subject::Range));
        let (what, how) = match range {
            true => ("the range exported", "--from and --length"),
            false => ("the findings picked", "--finding"),
        };
        let they = if at.len() == 1 { "it lies" } else { "they lie" };
        Some((
            "Notes left out".into(),
            format!(
                "{} (at {}): {they} outside {what}; an export of every finding (without {how}) shows every note",
                at.len(),
                listed.join(", ")
            ),
        ))
    }

    /// Notes of the sidecar that start at or past the end of the file (made on a longer copy,
    /// or by hand): no excerpt can hold them, so the summary lists each, sanitized.
    fn notes_outside(&self) -> Vec<(String, String)> {
        let Some(s) = self.sidecar else {
            return Vec::new();
        };
        s.notes
            .iter()
            .filter(|n| n.start >= self.id.size)
            .map(|n| {
                let by = n.byline();
                let by = if by.is_empty() {
                    by
                } else {
                    format!(" ({by})")
                };
                (
                    "Note outside the file".to_string(),
                    format!(
                        "offsets {}-{}, the file ends at {}: {}{by}",
                        n.start,
                        n.end,
                        self.id.size,
                        crate::sanitize::line(&n.text)
                    ),
                )
            })
            .collect()
    }

    /// For each name the listed writes give, the related files carrying it, and where they
    /// were looked for.
    fn link_lines(&self) -> Vec<(String, String)> {
        let Some(rel) = self.related else {
            return Vec::new();
        };
        let links = rel.links_of(listed(self.report, self.min));
        if links.is_empty() {
            return Vec::new();
        }
        let mut out = vec![("Looked in".to_string(), rel.scope())];
        let mut missing = Vec::new();
        for (kind, name, l) in links {
            if l.is_empty() {
                missing.push(format!("{kind} {}", sanitize::line(&name)));
                continue;
            }
            let to: Vec<String> = l.iter().map(related::Link::text).collect();
            out.push((
                format!("Linked {kind}"),
                format!("{} {}", sanitize::line(&name), to.join("; ")),
            ));
        }
        if !missing.is_empty() {
            out.push(("Not found there".to_string(), missing.join(", ")));
        }
        out
    }

    /// The document's header: file, size, hash, kind, origin, tool, time, examiner, and the
    /// compared file's name, size and hash (said as the file's are); every
    /// value already sanitized (a second pass would escape the escapes' backslashes).
    pub fn header_lines(&self) -> Vec<(String, String)> {
        let compared = self.other.iter().flat_map(|o| {
            o.id.lines(["Compared", "Compared size", "Compared SHA-256"])
        });
        self.id
            .lines(["File", "Size", "SHA-256"])
            .into_iter()
            .chain([
                ("Kind".into(), self.report.kind.name().into()),
                ("Origin".into(), self.origin.to_string()),
                ("Tool".into(), format!("clanscope {VERSION}")),
                ("Exported".into(), self.exported.clone()),
            ])
            .chain(
                self.examiner
                    .as_ref()
                    .map(|e| ("Examiner".to_string(), sanitize::line(e).into_owned())),
            )
            .chain(compared)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::xref::tests::write;

    #[test]
    fn names_beyond_the_cap_are_counted_and_said() {
        let mut a = Affected::bounded(2);
        for (i, (file, mailbox)) in [
            ("B.CCM", "x"),
            ("A.CCM", "y"),
            ("C.CCM", "x"),
            ("A.CCM", "z"),
        ]
        .into_iter()
        .enumerate()
        {
            a.add(&write(i as u32 + 1, Some(file), Some(mailbox)));
        }
        // The first two names of each kind are kept, and every later naming of them counted.
        assert_eq!(
            a.files,
            BTreeMap::from([("A.CCM".into(), 2), ("B.CCM".into(), 1)])
        );
        assert_eq!(
            a.mailboxes,
            BTreeMap::from([("x".into(), 2), ("y".into(), 1)])
        );
        assert_eq!(a.not_kept, [1, 1]);
        assert_eq!(
            a.said(false, 1),
            "A.CCM (2) and 1 more; names beyond the first 2 not kept, named 1 time(s)"
        );
        assert_eq!(
            a.said(true, 5),
            "x (2), y (1); names beyond the first 2 not kept, named 1 time(s)"
        );
        // Unbounded (one file's findings, as export counts them): every name, as before.
        let mut all = Affected::default();
        all.add(&write(1, Some("A.CCM"), Some("x")));
        assert_eq!(all.said(true, AFFECTED_LISTED), "x (1)");
        assert_eq!(counted(&all.files), "A.CCM (1)");
        assert_eq!(Affected::default().said(true, 1), "none");
        assert_eq!((MAX_AFFECTED, AFFECTED_LISTED), (10_000, 1_000));
    }

    #[test]
    fn caps_are_said_with_their_thousands_grouped() {
        let said: Vec<String> = [0, 7, 999, 1_000, 10_000, 2_097_152].map(grouped).to_vec();
        assert_eq!(said, ["0", "7", "999", "1,000", "10,000", "2,097,152"]);
    }
}

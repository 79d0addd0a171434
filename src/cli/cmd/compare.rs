//! `clanscope compare EVIDENCE OTHER`: the ranges where the evidence differs from a backup
//! copy, what each console write destroyed where the backup still has those bytes, and with
//! `--repaired-copy OUT` a new file (the evidence with those ranges taken from the backup) and
//! the list of what was replaced. Both inputs are only read.

use crate::cli::args::{CompareArgs, CompareFormatArg};
use crate::cli::{engine, out, stop};
use crate::compare::{self, Destroyed, Diff, Replacement};
use crate::detect::{Control, Report};
use crate::output::Guard;
use crate::report::json;
use crate::source::Source;
use crate::{notes, sanitize, Error};
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::Path;

pub(crate) fn run(a: CompareArgs) -> Result<u8, Error> {
    // Standard error first: nothing, not even an error naming an input that does not open, is
    // written there before it is known not to be the evidence (`2>> EV`).
    Guard::lenient(&[&a.evidence, &a.other]).check_stderr()?;
    stdin_once(&a.evidence, &a.other)?;
    let guard = Guard::new(&[&a.evidence, &a.other])?;
    guard.check_stderr()?;
    let engine = engine(&a.signatures)?;
    if let Some(o) = &a.repaired_copy {
        guard.check(o)?;
    }
    guard.check_stdout()?;
    let ev = Source::open(&a.evidence)?;
    let other = Source::open(&a.other)?;
    say_empty(&[&ev, &other]);
    let origin = crate::settings::Origins::for_command(a.origin.as_deref())?.of(&ev)?;
    let (da, db) = (ev.safe_bytes(), other.safe_bytes());
    let report = engine.scan(&ev, &a.evidence, &Control::new());
    let diff = compare::diff_sources(&ev, &other);
    let destroyed = compare::destroyed(&report, da, db, crate::detect::SUSPECTED);
    let replaced = compare::replacements(&destroyed);
    let sums = (
        notes::sha256_source(&ev, &|| false)?.unwrap_or_default(),
        notes::sha256_source(&other, &|| false)?.unwrap_or_default(),
    );
    if let Some(o) = &a.repaired_copy {
        write_repaired(&guard, o, (&ev, &other), &replaced)?;
    }
    // A file that shrank while read gave zeros for what it lost: nothing is reported from them.
    ev.check()?;
    other.check()?;
    let same_file = one_file(&a.evidence, &a.other);
    let c = Comparison {
        same_file,
        a: &a,
        ev: &ev,
        other: &other,
        origin,
        report: &report,
        diff: &diff,
        destroyed: &destroyed,
        replaced: &replaced,
        sums,
    };
    // Streamed: a million differing ranges never stand in memory as one text or JSON tree.
    let mut w = BufWriter::with_capacity(1 << 16, out::stdout());
    let written = match a.format {
        CompareFormatArg::Json => c.write_json(&mut w),
        CompareFormatArg::Text => c.write_text(&mut w),
    };
    out::result(written.and_then(|()| w.flush()))?;
    Ok(0)
}

/// Creates OUT new (through the guard: never over or beside an input) and writes the
/// repaired copy into it, in flat memory, the evidence's blocks of zeros left holes. If either
/// file shrank meanwhile (the copy stops at the next step), or the write failed, the copy is
/// removed: no repaired copy holds bytes that no file had. Only a file this run created is
/// removed; a FIFO or device given as OUT is left, and the error says what it received.
fn write_repaired(
    guard: &Guard,
    o: &Path,
    (ev, other): (&Source, &Source),
    replaced: &[Replacement],
) -> Result<(), Error> {
    // Ctrl-C (and SIGTERM, SIGHUP) removes the unfinished copy, as a failure does.
    stop::watch();
    let f = guard.create(o)?;
    stop::started(o, &f);
    let copied = compare::write_repaired(ev, other, replaced, &f);
    stop::finished(o);
    // A file that shrank is the cause whatever the copy says.
    let written = ev
        .check()
        .and_then(|_| other.check())
        .and_then(|_| copied.map_err(|e| Error::io(o, &e)));
    let Err(e) = written else {
        return Ok(());
    };
    if crate::output::remove_created(o, &f) {
        return Err(crate::output::said_removed(e));
    }
    let e = match e {
        Error::Io { cause, .. } => cause,
        e => e.to_string(),
    };
    Err(Error::file(
        o,
        format!(
            "{e}; this is not a file this run created, so it was left as it was: what it \
             received is the start of a copy, not a repaired copy"
        ),
    ))
}

/// Standard input is one side at most: it can be read once.
pub(crate) fn stdin_once(a: &Path, b: &Path) -> Result<(), Error> {
    if a.as_os_str() == "-" && b.as_os_str() == "-" {
        return Err(Error::Usage(
            "standard input can be read once: give a file for at least one side".into(),
        ));
    }
    Ok(())
}

/// A FIFO without a writer (or an empty standard input) reads as 0 bytes: said, not compared
/// as an empty file in silence.
pub(crate) fn say_empty(sources: &[&Source]) {
    for s in sources {
        if let Some(said) = s.empty_notice() {
            out::message(&format!("{}: {said}", s.name()));
        }
    }
}

/// The compared file (`export --compare`, the inspector's `--compare`) is another file: not
/// standard input twice (it can be read once), nor the examined file by another name (review
/// 54: every write then said 'same bytes').
pub(crate) fn check_other(file: &Path, other: &Path) -> Result<(), Error> {
    stdin_once(file, other)?;
    if one_file(file, other) {
        return Err(Error::Usage(format!(
            "{} and {} are one file (the same device and inode): nothing to compare it with",
            sanitize::path(file),
            sanitize::path(other)
        )));
    }
    Ok(())
}

/// Whether both names are one file (the same device and inode: a hard link, a name given
/// twice), which then cannot differ from itself.
pub(crate) fn one_file(a: &Path, b: &Path) -> bool {
    // `-` is standard input: the file it was redirected from, if any.
    let id = |p: &Path| -> Option<(u64, u64)> {
        use std::os::unix::fs::MetadataExt;
        let m = if p.as_os_str() == "-" {
            use std::os::fd::AsFd;
            let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
            std::fs::File::from(fd).metadata().ok()?
        } else {
            std::fs::metadata(p).ok()?
        };
        m.is_file().then(|| (m.dev(), m.ino()))
    };
    matches!((id(a), id(b)), (Some(x), Some(y)) if x == y)
}

struct Comparison<'a> {
    /// Both names are one file.
    same_file: bool,
    a: &'a CompareArgs,
    ev: &'a Source,
    other: &'a Source,
    origin: crate::address::Origin,
    report: &'a Report,
    diff: &'a Diff,
    destroyed: &'a [Destroyed],
    replaced: &'a [Replacement],
    sums: (String, String),
}

impl Comparison<'_> {
    fn write_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(self.head_text().as_bytes())?;
        self.ranges_text(w)?;
        w.write_all(self.writes_text().as_bytes())
    }

    /// The files, and how much differs.
    fn head_text(&self) -> String {
        let o = self.origin;
        let d = self.diff;
        let mut s = String::from("clanscope compare\n");
        s.push_str(&format!(
            "Evidence:  {} ({}, SHA-256 {})\nOther:     {} ({}, SHA-256 {})\nOrigin:    {o}\n",
            sanitize::path(&self.a.evidence),
            crate::address::bytes(d.evidence_len),
            self.sums.0,
            sanitize::path(&self.a.other),
            crate::address::bytes(d.other_len),
            self.sums.1
        ));
        if self.same_file {
            s.push_str(
                "Note:      the evidence and the other file are one file (the same device and \
                 inode): nothing can differ; compare with a copy from elsewhere\n",
            );
        }
        s.push_str(&format!(
            "Differing: {} range(s), {} byte(s) in the common length{}{}\n",
            d.ranges.len() as u64 + d.dropped,
            d.differing,
            match d.evidence_len.cmp(&d.other_len) {
                std::cmp::Ordering::Greater => format!(
                    "; the evidence has {} byte(s) more (the last range, past the other file's end)",
                    d.evidence_len - d.other_len
                ),
                std::cmp::Ordering::Less => format!(
                    "; the other file has {} byte(s) more",
                    d.other_len - d.evidence_len
                ),
                std::cmp::Ordering::Equal => String::new(),
            },
            if d.dropped > 0 {
                format!(
                    " (only the first {} ranges are listed, {} are not)",
                    d.ranges.len(),
                    d.dropped
                )
            } else {
                String::new()
            }
        ));
        s
    }

    /// What each console write destroyed, and the repaired copy.
    fn writes_text(&self) -> String {
        let o = self.origin;
        let mut s = String::new();
        let writes = self
            .report
            .findings
            .iter()
            .filter(|f| f.kind == crate::detect::FindingKind::ConsoleWrite && f.suspected())
            .count();
        let past = self.destroyed.iter().filter(|x| x.missing() > 0).count();
        s.push_str(&format!(
            "Console writes: {writes}; the other file holds other bytes under {} of them{}\n",
            self.replaced.len(),
            if past > 0 {
                format!("; {past} lie(s) past its end (all or part)")
            } else {
                String::new()
            }
        ));
        for x in self.destroyed {
            self.destroyed_text(&mut s, x);
        }
        if let Some(out) = &self.a.repaired_copy {
            s.push_str(&format!(
                "Repaired copy: {} ({} range(s) replaced from {}; the evidence is unchanged)\n",
                sanitize::path(out),
                self.replaced.len(),
                sanitize::path(&self.a.other)
            ));
            for r in self.replaced {
                s.push_str(&format!(
                    "  replaced #{} offsets {}-{} ({}) at {}\n",
                    r.finding,
                    r.start,
                    r.end - 1,
                    crate::address::bytes(r.end - r.start),
                    o.address(r.start)
                ));
            }
        }
        s
    }

    /// The differing ranges, a line each, with the write each one lies under; the evidence's
    /// bytes past the other file's end last, with every write that lies in them.
    fn ranges_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let o = self.origin;
        let over = compare::Over::new(&self.report.findings);
        for &(start, end) in &self.diff.ranges {
            let over = over.of(start, end);
            let under = if self.diff.is_tail((start, end)) {
                let lie: Vec<String> = over
                    .map(|f| {
                        format!(
                            "{} #{} at offsets {}-{}",
                            f.kind.name(),
                            f.id,
                            f.start,
                            f.end - 1
                        )
                    })
                    .collect();
                match lie.len() {
                    0 => "  past the other file's end (not compared)".to_string(),
                    _ => format!(
                        "  past the other file's end (not compared; in it: {})",
                        lie.join(", ")
                    ),
                }
            } else {
                let under: Vec<String> = over
                    .map(|f| format!("{} #{}", f.kind.name(), f.id))
                    .collect();
                match under.len() {
                    0 => String::new(),
                    _ => format!("  (under {})", under.join(", ")),
                }
            };
            writeln!(
                w,
                "  {}-{}  offsets {start}-{} ({}){under}",
                o.address(start),
                o.address(end - 1),
                end - 1,
                crate::address::bytes(end - start)
            )?;
        }
        Ok(())
    }

    /// One write's line: what it destroyed, or that the other file holds the same bytes.
    fn destroyed_text(&self, s: &mut String, x: &Destroyed) {
        let o = self.origin;
        let last = x.end.max(x.start + 1) - 1;
        s.push_str(&format!(
            "  #{} {}-{} ({}): ",
            x.finding,
            o.address(x.start),
            o.address(last),
            crate::address::bytes(x.end - x.start)
        ));
        if x.backup.is_empty() {
            s.push_str(&format!(
                "not compared: all {} byte(s) lie past the other file's end (it ends at offset {})\n",
                x.missing(),
                self.diff.other_len
            ));
            return;
        }
        if x.same && x.missing() == 0 {
            s.push_str("the other file holds the same bytes (the write is there too)\n");
            return;
        }
        if x.same {
            s.push_str(&format!(
                "the other file holds the same bytes over its first {} byte(s) (that part of the \
                 write is there too); {} byte(s) lie past the other file's end (not compared)\n",
                x.backup.len(),
                x.missing()
            ));
            return;
        }
        if x.mostly_same() {
            s.push_str(&format!(
                "the other file holds this write too, but for {} of its {} byte(s): \"{}\"\n    hex {}\n",
                x.differing,
                x.backup.len(),
                sanitize::latin1_line(&x.backup),
                x.backup_hex()
            ));
        } else {
            s.push_str(&format!(
                "destroyed \"{}\"\n    hex {}\n",
                sanitize::latin1_line(&x.backup),
                x.backup_hex()
            ));
        }
        if x.missing() > 0 {
            s.push_str(&format!(
                "    ({} byte(s) lie past the other file's end)\n",
                x.missing()
            ));
        }
    }

    /// The JSON document, its ranges made only as they are written.
    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let v = self.json();
        let doc = json::Placed {
            map: v.as_object().expect("an object"),
            key: "ranges",
            value: Some(Ranges {
                diff: self.diff,
                origin: self.origin,
            }),
        };
        sanitize::write_json_pretty(&mut *w, &doc)?;
        w.write_all(b"\n")
    }

    /// The JSON document but its ranges.
    fn json(&self) -> serde_json::Value {
        let o = self.origin;
        let mut v = json!({
            "tool": "clanscope",
            "version": crate::VERSION,
            "evidence": {"path": self.ev.name(), "size": self.diff.evidence_len, "sha256": self.sums.0},
            "other": {"path": self.other.name(), "size": self.diff.other_len, "sha256": self.sums.1},
            "origin": o.to_string(),
            "differing_bytes": self.diff.differing,
            "same_file": self.same_file,
            "ranges_not_listed": self.diff.dropped,
            "destroyed": self.destroyed.iter().map(|d| json!({
                "finding": d.finding, "start": d.start, "end": d.end,
                "address": o.address(d.start).to_string(),
                "same": d.same, "differing": d.differing, "backup_hex": d.backup_hex(),
                "backup_text": sanitize::latin1(&d.backup), "missing": d.missing(),
            })).collect::<Vec<_>>(),
            "repaired_copy": self.a.repaired_copy.as_deref().map(json::path),
            "replaced": self.replaced.iter().map(|r| json!({"finding": r.finding, "start": r.start, "end": r.end})).collect::<Vec<_>>(),
        });
        json::set_path(&mut v["evidence"], &self.a.evidence);
        json::set_path(&mut v["other"], &self.a.other);
        v
    }
}

/// The differing ranges as JSON, each made only as it is written.
struct Ranges<'a> {
    diff: &'a Diff,
    origin: crate::address::Origin,
}

impl serde::Serialize for Ranges<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (d, o) = (self.diff, self.origin);
        s.collect_seq(d.ranges.iter().map(|r| {
            json!({"start": r.0, "end": r.1, "address": o.address(r.0).to_string(), "past_other_end": d.is_tail(*r)})
        }))
    }
}

//! `clanscope compare`: differing ranges, what each console write destroyed, and a repaired
//! copy that takes exactly the overwritten ranges from the backup while the evidence stays
//! untouched.

mod common;

use common::{bin, demo_copy};
use std::os::unix::fs::MetadataExt;

#[test]
fn compare_names_what_each_write_destroyed_and_repairs_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let ev = demo_copy(dir.path());
    let bak = dir.path().join("backup.CLANDATA");
    let backup = clanscope::demo::make_backup();
    std::fs::write(&bak, &backup).unwrap();
    let before = std::fs::metadata(&ev).unwrap();
    let out = dir.path().join("case").join("CLANDATA.repaired");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    let a = bin()
        .arg("compare")
        .arg(&ev)
        .arg(&bak)
        .arg("--repaired-copy")
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let evidence = std::fs::read(&ev).unwrap();
    let diff = clanscope::compare::diff(&evidence, &backup);
    assert!(
        text.contains(&format!(
            "Differing: {} range(s), {} byte(s) in the common length\n",
            diff.ranges.len(),
            diff.differing
        )),
        "{text}"
    );
    assert!(
        text.contains("Origin:    0AFA:0100\n"),
        "the demo's bytes keep the demo's origin"
    );
    // Every differing range is listed, with the write it lies under.
    let o = clanscope::address::Origin::parse("0AFA:0100").unwrap();
    for &(s, e) in &diff.ranges {
        let line = format!(
            "  {}-{}  offsets {s}-{} ({} bytes)",
            o.address(s),
            o.address(e - 1),
            e - 1,
            e - s
        );
        assert!(text.contains(&line), "{line} missing: {text}");
    }
    assert!(
        text.contains(
            "  0AFA:3F00-0AFA:3F2B  offsets 15872-15915 (44 bytes)  (under console-write #1)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  #1 0AFA:3F00-0AFA:3F4B (76 bytes): destroyed \"Message:"),
        "{text}"
    );
    assert!(
        text.contains("  replaced #1 offsets 15872-15947 (76 bytes) at 0AFA:3F00\n"),
        "{text}"
    );
    // The repaired copy: the backup's bytes over each write, the evidence's elsewhere.
    let repaired = std::fs::read(&out).unwrap();
    assert_eq!(repaired.len(), evidence.len());
    assert_eq!(&repaired[0x3E00..0x3E4C], &backup[0x3E00..0x3E4C]);
    assert_eq!(&repaired[..0x3E00], &evidence[..0x3E00]);
    let (at, t) = clanscope::demo::BACKUP_CHANGE;
    assert_eq!(
        &repaired[at..at + t.len()],
        &evidence[at..at + t.len()],
        "only writes are taken"
    );
    // The evidence is untouched.
    let after = std::fs::metadata(&ev).unwrap();
    assert_eq!(std::fs::read(&ev).unwrap(), clanscope::demo::STORE);
    assert_eq!(
        (before.mtime(), before.mtime_nsec()),
        (after.mtime(), after.mtime_nsec())
    );
    assert_eq!(
        (before.ctime(), before.ctime_nsec()),
        (after.ctime(), after.ctime_nsec())
    );
    // Never over an existing file, never onto an input.
    let again = bin()
        .arg("compare")
        .arg(&ev)
        .arg(&bak)
        .arg("--repaired-copy")
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&again.get_output().stderr).to_string();
    assert!(err.contains("exists"), "{err}");
    bin()
        .arg("compare")
        .arg(&ev)
        .arg(&bak)
        .arg("--repaired-copy")
        .arg(&ev)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&ev).unwrap(), clanscope::demo::STORE);
}

#[test]
fn compare_json_lists_ranges_and_destroyed_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let ev = demo_copy(dir.path());
    let bak = dir.path().join("b");
    std::fs::write(&bak, clanscope::demo::make_backup()).unwrap();
    let a = bin()
        .args(["compare", "--format", "json"])
        .arg(&ev)
        .arg(&bak)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let d = &v["destroyed"][0];
    assert_eq!(d["finding"], 1);
    assert_eq!(d["start"], 0x3E00);
    assert!(d["backup_hex"]
        .as_str()
        .unwrap()
        .starts_with("4D 65 73 73 61 67 65 3A"));
    // The text decodes to the exact bytes (one character per byte, controls escaped by JSON).
    let backup = clanscope::demo::make_backup();
    let bytes: Vec<u8> = d["backup_text"]
        .as_str()
        .unwrap()
        .chars()
        .map(|c| c as u8)
        .collect();
    assert_eq!(bytes, backup[0x3E00..0x3E00 + bytes.len()]);
    assert!(d["backup_text"]
        .as_str()
        .unwrap()
        .starts_with("Message:\r\n1200"));
    assert_eq!(v["evidence"]["size"], 327680);
}

//! The bundled demo post office. GENERATED, not a real customer's data: a deterministic
//! generator makes a binary "store" of pseudo-random bytes (cc:Mail's real layout is not public,
//! so no structure is imitated) with zero-filled stretches and planted console writes, and a
//! small Ccmcdata folder of .CCM messages, and a backup copy of the store as it was before the
//! writes landed (`backup/CLANDATA`, for compare mode). `cargo run --example make-demo` rewrites
//! assets/demo/ from this code; a test checks the committed files match it byte for byte.

use crate::address::Origin;

/// The article's 128 bytes: the console write and the binary data that followed it.
pub const ARTICLE: [u8; 128] = {
    let w =
        *b"\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
    let tail: [u8; 52] = [
        0x41, 0xFA, 0x2B, 0x16, 0x58, 0x64, 0x44, 0x6A, 0x63, 0x28, 0xE9, 0x7E, 0xED, 0x83, 0xD5,
        0xD0, 0x54, 0x7B, 0xDE, 0x25, 0x89, 0x94, 0x34, 0x11, 0x33, 0xCD, 0xE2, 0x0C, 0x82, 0x8B,
        0x57, 0x5E, 0x34, 0xD1, 0x39, 0x2A, 0xAF, 0x38, 0xB2, 0x20, 0x11, 0x8E, 0x85, 0x4F, 0xA6,
        0x77, 0x7D, 0x5A, 0xC9, 0xF9, 0x3C, 0xAB,
    ];
    let mut out = [0u8; 128];
    let mut i = 0;
    while i < 76 {
        out[i] = w[i];
        i += 1;
    }
    while i < 128 {
        out[i] = tail[i - 76];
        i += 1;
    }
    out
};

/// The demo store opens at DEBUG's `DEBUG CLANDATA` origin, so the article's write shows at
/// 0AFA:3F00 exactly as in the KB article.
pub const ORIGIN: Origin = Origin {
    segment: 0x0AFA,
    offset: 0x0100,
};
/// The demo store's size.
pub const STORE_SIZE: usize = 320 * 1024;

/// The demo's origin when `bytes` are the demo store's (whether opened as the demo or as
/// assets/demo/CLANDATA), so the same bytes open at the same addresses everywhere.
pub fn origin_of(bytes: &[u8]) -> Option<Origin> {
    (bytes.len() == STORE_SIZE && bytes == STORE).then_some(ORIGIN)
}
/// The committed demo store (assets/demo/CLANDATA).
pub const STORE: &[u8] = include_bytes!("../assets/demo/CLANDATA");

/// Where the generator plants things in the store, for tests and the README.
pub const PLANTS: &[(usize, &str)] = &[
    (
        0x3E00,
        "the KB article's write and the bytes after it (0AFA:3F00 at the demo origin)",
    ),
    (0x9A31, "a write for mailbox admin_hub"),
    (
        0xFFE0 - 0x100,
        "a write crossing the first 64 KiB segment boundary (0AFA:FFxx to 1AFA:00xx)",
    ),
    (0x17A0B, "a write cut short by binary data"),
    (
        0x2C010,
        "two writes in a row, one in wording the signature set does not know",
    ),
    (0x3F100, "plain text of a message body (a weaker finding)"),
    (
        0x4E000 - 46,
        "a write that ends at the last byte of the store",
    ),
];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Plants `bytes` at `at`, keeping the byte on each side binary so it does not merge with them.
fn put(d: &mut [u8], at: usize, bytes: &[u8]) {
    d[at..at + bytes.len()].copy_from_slice(bytes);
    if at > 0 && d[at - 1] < 0x80 {
        d[at - 1] |= 0x80;
    }
    if at + bytes.len() < d.len() && d[at + bytes.len()] < 0x80 {
        d[at + bytes.len()] |= 0x80;
    }
}

fn write(w: &str) -> Vec<u8> {
    format!("\r\n\r\n{w}\r\n").into_bytes()
}

/// What the generator plants in the store: (offset, bytes, whether it is a console write).
fn plants() -> Vec<(usize, Vec<u8>, bool)> {
    let mut two = write("Exporting messages in mailbox \"admin_hub\" to file EXPORT\\MSG4A2A.CCM");
    two.extend(write(
        "Importing messages from file IMPORT\\MSG0012.CCM into post office HUBPO2",
    ));
    let tail = write("Exporting messages in mailbox \"zz\" to file E\\M.CCM");
    vec![
        (0x3E00, ARTICLE[..76].to_vec(), true),
        (
            0x9A31,
            write("Exporting messages in mailbox \"admin_hub\" to file EXPORT\\MSG4A28.CCM"),
            true,
        ),
        (
            0xFFE0 - 0x100,
            write("Exporting messages in mailbox \"jgrewal\" to file EXPORT\\MSG4A29.CCM"),
            true,
        ),
        (
            0x17A0B,
            b"\r\n\r\nExporting messages in mailbox \"kwong\" to fi".to_vec(),
            true,
        ),
        (0x2C010, two, true),
        (
            0x3F100,
            b"Please send the budget figures to the Hub before Friday so we can close the quarter."
                .to_vec(),
            false,
        ),
        (STORE_SIZE - tail.len(), tail, true),
    ]
}

/// Makes the demo store.
pub fn make_store() -> Vec<u8> {
    let mut rng = XorShift(0x5EED_CC4A_2700_1998);
    let mut d: Vec<u8> = (0..STORE_SIZE).map(|_| rng.next() as u8).collect();
    // Free space: zero-filled stretches, as a store with deleted records might have.
    for (at, len) in [
        (0x6000usize, 0x1800usize),
        (0x20000, 0x4000),
        (0x30000, 0x2000),
        (0x48000, 0x3000),
    ] {
        d[at..at + len].fill(0);
    }
    for (at, bytes, _) in plants() {
        put(&mut d, at, &bytes);
    }
    d[0x3E00 + 76..0x3E00 + 128].copy_from_slice(&ARTICLE[76..]);
    d
}

/// Where the backup differs from the store apart from the writes: a record changed since.
pub const BACKUP_CHANGE: (usize, &[u8]) = (0x12340, b"Subject: Budget v2");

/// Makes the demo's backup copy of the store (`backup/CLANDATA`): the same bytes as they were
/// before the console writes landed, with message-header text where each write now lies (what
/// the writes destroyed), and one record that changed since. GENERATED like the store.
pub fn make_backup() -> Vec<u8> {
    let mut d = make_store();
    for (k, (at, bytes, console)) in plants().into_iter().enumerate() {
        if !console {
            continue;
        }
        let record = format!(
            "Message:\r\n{}\r\nFrom: Yeh, Randy at Hub\r\nDate: 6/{}/98 8:39\r\nTo: Admin at HUBPO2\r\nSubject: Quarter close\r\nContents:\r\n",
            1200 + k * 37,
            k + 1
        );
        let r = record.as_bytes();
        for (i, b) in d[at..at + bytes.len()].iter_mut().enumerate() {
            *b = r[i % r.len()];
        }
    }
    let (at, text) = BACKUP_CHANGE;
    d[at..at + text.len()].copy_from_slice(text);
    d
}

/// The demo Ccmcdata folder: (relative path, contents).
pub fn make_ccmcdata() -> Vec<(&'static str, Vec<u8>)> {
    let msg = |from: &str, to: &str, subject: &str, body: &str| -> String {
        let text = format!("Text item:\r\n{}\r\n{body}\r\n", body.len() + 2);
        let contents = format!("Contents:\r\n{}\r\n", text.len());
        let header =
            format!("From: {from}\r\nDate: 6/2/98 8:39\r\nTo: {to}\r\nSubject: {subject}\r\n");
        let total = header.len() + contents.len() + text.len();
        format!("Message:\r\n{total}\r\n{header}{contents}{text}")
    };
    let clean = msg(
        "Grewal, Jeff at Hub",
        "Admin at HUBPO2",
        "Another message",
        "This is the message body",
    );
    let second = msg(
        "Wong, Kim at HUBPO2",
        "Yeh, Randy at Hub",
        "Budget",
        "Figures attached by Friday.",
    );
    let console =
        "\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
    let damaged = format!("{console}{clean}{second}");
    let inside = second.replace(
        "Date:",
        "\r\nImporting messages from file IMPORT\\MSG0013.CCM\r\nDate:",
    );
    vec![
        ("Ccmcdata/Export/MSG4A26.CCM", clean.clone().into_bytes()),
        ("Ccmcdata/Import/MSG0012.CCM", damaged.into_bytes()),
        (
            "Ccmcdata/Import.bak/MSG0013.CCM",
            format!("{clean}{inside}").into_bytes(),
        ),
    ]
}

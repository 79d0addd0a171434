//! The committed demo files are exactly what the generator in src/demo.rs makes.

use std::path::Path;

#[test]
fn assets_match_the_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let store = clanscope::demo::make_store();
    assert_eq!(store.len(), clanscope::demo::STORE_SIZE);
    assert!(
        std::fs::read(root.join("CLANDATA")).unwrap() == store,
        "assets/demo/CLANDATA differs: run cargo run --example make-demo"
    );
    assert!(clanscope::demo::STORE == store.as_slice());
    assert!(
        std::fs::read(root.join("backup/CLANDATA")).unwrap() == clanscope::demo::make_backup(),
        "assets/demo/backup/CLANDATA differs: run cargo run --example make-demo"
    );
    for (rel, bytes) in clanscope::demo::make_ccmcdata() {
        assert_eq!(std::fs::read(root.join(rel)).unwrap(), bytes, "{rel}");
    }
}

#[test]
fn the_article_sits_at_0afa_3f00() {
    let o = clanscope::demo::ORIGIN;
    assert_eq!(o.address(0x3E00).to_string(), "0AFA:3F00");
    assert_eq!(
        &clanscope::demo::STORE[0x3E00..0x3E80],
        &clanscope::demo::ARTICLE[..]
    );
}

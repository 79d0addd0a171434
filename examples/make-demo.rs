//! Regenerates assets/demo/ (the bundled demo post office) from src/demo.rs.
//! Run: cargo run --example make-demo

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    std::fs::create_dir_all(&root)?;
    std::fs::write(root.join("CLANDATA"), clanscope::demo::make_store())?;
    std::fs::create_dir_all(root.join("backup"))?;
    std::fs::write(root.join("backup/CLANDATA"), clanscope::demo::make_backup())?;
    for (rel, bytes) in clanscope::demo::make_ccmcdata() {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("has a folder"))?;
        std::fs::write(p, bytes)?;
    }
    println!("wrote {}", root.display());
    Ok(())
}

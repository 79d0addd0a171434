//! (in progress)
pub fn run(_a: crate::commands::ViewArgs) -> Result<u8, crate::Error> {
    Err(crate::Error("the inspector is not built yet".into()))
}

//! One module per command.

pub(crate) mod compare;
pub(crate) mod completions;
pub(crate) mod dump;
pub(crate) mod export;
pub(crate) mod scan;
pub(crate) mod undump;
pub(crate) mod view;

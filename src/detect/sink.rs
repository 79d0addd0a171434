//! Where a scan's results go while it runs, in the spirit of grep-searcher's `Sink`: the engine
//! calls the sink with each finding and each damaged header as soon as it is final, in file
//! order; the sink may stop the scan by returning `false`. Front ends implement it to stream
//! output or to feed a view; [`Collect`] keeps everything.

use super::{DamagedHeader, Finding};

/// Receives a scan's results as they become final.
pub trait Sink {
    /// A finding, numbered and final. Return `false` to stop the scan.
    fn finding(&mut self, _f: &Finding) -> bool {
        true
    }
    /// A damaged header, after all of its writes were delivered. Return `false` to stop.
    fn header(&mut self, _h: &DamagedHeader) -> bool {
        true
    }
}

/// A sink that wants nothing.
impl Sink for () {}

/// A sink that keeps copies of everything it is given.
#[derive(Debug, Default)]
pub struct Collect {
    pub findings: Vec<Finding>,
    pub headers: Vec<DamagedHeader>,
}

impl Sink for Collect {
    fn finding(&mut self, f: &Finding) -> bool {
        self.findings.push(f.clone());
        true
    }
    fn header(&mut self, h: &DamagedHeader) -> bool {
        self.headers.push(h.clone());
        true
    }
}

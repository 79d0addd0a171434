//! The findings index: findings, damaged headers and .CCM messages as the scan delivers them
//! (in file order: batches are appended, never re-sorted), lookups by offset (binary search,
//! long findings kept apart), and the walk in id order. The finding and header the examiner
//! last walked to are remembered by id, so two findings that start at the same byte are both
//! reachable and the details pane shows the one the status line names.

use crate::detect::{ccm::Message, DamagedHeader, FileKind, Finding, FindingKind, Report};

/// Findings at least this long are indexed apart.
pub const LONG: u64 = 4096;

/// Findings, damaged headers and .CCM messages of the open file, with the walk state.
#[derive(Clone, Debug, Default)]
pub struct FindingsIndex {
    pub(crate) kind: Option<FileKind>,
    pub(crate) findings: Vec<Finding>,
    /// Indices of findings longer than [`LONG`] (few); the rest are found by binary search.
    long: Vec<usize>,
    pub(crate) headers: Vec<DamagedHeader>,
    pub(crate) messages: Vec<Message>,
    pub(crate) done: bool,
    pub(crate) dropped: u64,
    pub(crate) show_weak: bool,
    /// The finding walked to last (its id), shown while the cursor is inside it.
    pub(crate) current: Option<u32>,
    /// The damaged header walked to last (its id).
    pub(crate) current_header: Option<u32>,
}

/// Where a walk went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Index into the list walked.
    pub index: usize,
    /// Items in the list walked.
    pub of: usize,
    pub wrapped: bool,
}

impl FindingsIndex {
    /// An empty index that shows weaker findings.
    pub fn new() -> FindingsIndex {
        FindingsIndex {
            show_weak: true,
            ..FindingsIndex::default()
        }
    }

    /// Findings in file order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
    /// Damaged headers in file order.
    pub fn headers(&self) -> &[DamagedHeader] {
        &self.headers
    }
    /// .CCM messages in file order.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }
    /// The file's kind, once scanned.
    pub fn kind(&self) -> Option<FileKind> {
        self.kind
    }
    /// Whether the scan has finished.
    pub fn done(&self) -> bool {
        self.done
    }
    /// Findings found past the cap and not kept.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
    /// Whether weaker findings are shown.
    pub fn show_weak(&self) -> bool {
        self.show_weak
    }

    /// Findings the view counts as suspected, and weaker ones.
    pub fn counts(&self) -> (usize, usize) {
        let strong = self.findings.iter().filter(|f| f.suspected()).count();
        (strong, self.findings.len() - strong)
    }

    /// Appends a batch of findings (final, in file order, after those already here).
    pub(crate) fn append(&mut self, batch: Vec<Finding>, size: u64) {
        let from = self.findings.len();
        self.findings
            .extend(batch.into_iter().filter(|f| f.start < size));
        let long = (from..self.findings.len()).filter(|&i| self.findings[i].len() >= LONG);
        self.long.extend(long);
    }

    pub(crate) fn add_header(&mut self, h: DamagedHeader, size: u64) {
        if h.start < size {
            self.headers.push(h);
        }
    }

    /// Takes the final report (equal to what was streamed, with the messages).
    pub(crate) fn finish(&mut self, r: Report, size: u64) {
        self.kind = Some(r.kind);
        self.findings = r.findings;
        self.headers = r.headers;
        self.messages = r.messages;
        self.dropped = r.dropped;
        self.done = true;
        self.truncate(size);
    }

    /// Drops what lies past `size` (the file shrank).
    pub(crate) fn truncate(&mut self, size: u64) {
        self.findings.retain(|f| f.start < size);
        self.headers.retain(|h| h.start < size);
        self.long = (0..self.findings.len())
            .filter(|&i| self.findings[i].len() >= LONG)
            .collect();
        if self.current.is_some_and(|id| self.by_id(id).is_none()) {
            self.current = None;
        }
    }

    /// Whether finding `f` is shown (weaker ones only when shown).
    pub fn visible(&self, f: &Finding) -> bool {
        self.show_weak || f.suspected()
    }

    /// The finding with id `id`.
    pub fn by_id(&self, id: u32) -> Option<&Finding> {
        let i = self.findings.partition_point(|f| f.id < id);
        self.findings.get(i).filter(|f| f.id == id)
    }

    /// The damaged header with id `id`.
    pub fn header_by_id(&self, id: u32) -> Option<&DamagedHeader> {
        let i = self.headers.partition_point(|h| h.id < id);
        self.headers.get(i).filter(|h| h.id == id)
    }

    /// The damaged header covering file offset `x`, if any.
    pub fn header_at(&self, x: u64) -> Option<&DamagedHeader> {
        let i = self.headers.partition_point(|h| h.start <= x);
        self.headers[..i]
            .iter()
            .rev()
            .take(8)
            .find(|h| x < h.end.max(h.start + 1))
    }

    /// Indices (sorted) of the findings that overlap `[start, end)`.
    pub fn in_range(&self, start: u64, end: u64) -> Vec<usize> {
        let f = &self.findings;
        let hi = f.partition_point(|x| x.start < end);
        let mut out: Vec<usize> = (0..hi)
            .rev()
            .take_while(|&i| f[i].start + LONG > start)
            .filter(|&i| f[i].end.max(f[i].start + 1) > start)
            .collect();
        out.extend(
            self.long
                .iter()
                .copied()
                .filter(|&i| i < hi && f[i].end > start && f[i].start + LONG <= start),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The finding the details pane shows at `x`: the one walked to last while `x` is inside
    /// it, else the most specific visible one under `x`.
    pub fn shown_at(&self, x: u64) -> Option<&Finding> {
        if let Some(f) = self.current.and_then(|id| self.by_id(id)) {
            if x >= f.start && x < f.end.max(f.start + 1) && self.visible(f) {
                return Some(f);
            }
        }
        self.in_range(x, x + 1)
            .into_iter()
            .map(|i| &self.findings[i])
            .filter(|f| self.visible(f))
            .min_by_key(|f| (rank(f.kind), std::cmp::Reverse(f.start), f.id))
    }

    /// The next (or previous) visible finding from the cursor, in id order, wrapping. The key
    /// is (cursor, id of the finding shown if it starts at the cursor), so findings that start
    /// at one byte are visited one after the other.
    /// How many findings `]` and `[` walk (the shown ones).
    pub(crate) fn walkable(&self) -> usize {
        self.findings.iter().filter(|f| self.visible(f)).count()
    }

    pub(crate) fn walk(&mut self, cursor: u64, forward: bool) -> Option<(u32, Step)> {
        let here = self
            .shown_at(cursor)
            .filter(|f| f.start == cursor)
            .map(|f| f.id)
            .unwrap_or(0);
        let key = (cursor, here);
        let vis: Vec<&Finding> = self.findings.iter().filter(|f| self.visible(f)).collect();
        if vis.is_empty() {
            return None;
        }
        let pos = vis.partition_point(|f| (f.start, f.id) <= key);
        let (index, wrapped) = if forward {
            if pos < vis.len() {
                (pos, false)
            } else {
                (0, true)
            }
        } else {
            let before = vis.partition_point(|f| (f.start, f.id) < key);
            if before > 0 {
                (before - 1, false)
            } else {
                (vis.len() - 1, true)
            }
        };
        let id = vis[index].id;
        self.current = Some(id);
        Some((
            id,
            Step {
                index,
                of: vis.len(),
                wrapped,
            },
        ))
    }

    /// The next (or previous) damaged header from the cursor, by id, wrapping.
    pub(crate) fn walk_headers(&mut self, cursor: u64, forward: bool) -> Option<(u32, Step)> {
        let n = self.headers.len();
        if n == 0 {
            return None;
        }
        // The header the cursor is on: the one walked to last if it starts here, else the
        // first that starts here (review 84 D2: reached by goto, `]` or a bookmark, `n` went to
        // the header under the cursor instead of the next).
        let first_here = || {
            let i = self.headers.partition_point(|h| h.start < cursor);
            self.headers.get(i).filter(|h| h.start == cursor)
        };
        let here = self
            .current_header
            .and_then(|id| self.header_by_id(id))
            .filter(|h| h.start == cursor)
            .or_else(first_here)
            .map(|h| h.id)
            .unwrap_or(0);
        let key = (cursor, here);
        let after = self.headers.partition_point(|h| (h.start, h.id) <= key);
        let before = self.headers.partition_point(|h| (h.start, h.id) < key);
        let (index, wrapped) = match (forward, after < n, before > 0) {
            (true, true, _) => (after, false),
            (true, false, _) => (0, true),
            (false, _, true) => (before - 1, false),
            (false, _, false) => (n - 1, true),
        };
        let id = self.headers[index].id;
        self.current_header = Some(id);
        self.current = self.headers[index].writes.first().copied();
        Some((
            id,
            Step {
                index,
                of: n,
                wrapped,
            },
        ))
    }

    /// Position in the visible list of the first finding at or after `x`.
    pub fn visible_position_from(&self, x: u64) -> usize {
        self.findings
            .iter()
            .filter(|f| self.visible(f))
            .take_while(|f| f.start < x)
            .count()
    }

    /// The visible finding at position `k` of the list.
    pub fn visible_nth(&self, k: usize) -> Option<&Finding> {
        self.findings.iter().filter(|f| self.visible(f)).nth(k)
    }

    /// Findings shown in the list.
    pub fn visible_count(&self) -> usize {
        if self.show_weak {
            self.findings.len()
        } else {
            self.findings.iter().filter(|f| f.suspected()).count()
        }
    }
}

/// The most specific kind first: a console write over a header anomaly over plain text.
fn rank(k: FindingKind) -> u8 {
    match k {
        FindingKind::ConsoleWrite => 0,
        FindingKind::CcmHeaderAnomaly => 1,
        FindingKind::PlainText => 2,
    }
}

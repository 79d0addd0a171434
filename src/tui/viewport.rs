//! The viewport: the file's size as the view sees it, the origin, the cursor, the top dump line
//! and the terminal size; line arithmetic, moves, scrolling, jumps, and the list of the last
//! jump positions (`''` returns to the one before the last jump).

use super::layout::{self, Areas, DumpGeometry, Panes};
use crate::address::Origin;
use ratatui::layout::Rect;

/// Lines shown above a jump target.
pub const CONTEXT_ABOVE: u64 = 3;
/// Jump positions remembered for `''`.
const JUMPS_KEPT: usize = 32;

/// Where the view is in the file and how big the terminal is.
#[derive(Clone, Debug)]
pub struct Viewport {
    pub(crate) origin: Origin,
    /// The file's size now (it may have shrunk since it was opened).
    pub(crate) size: u64,
    pub(crate) cursor: u64,
    /// Index of the top dump line (lines count from the address grid, see [`Viewport::line_of`]).
    pub(crate) top: u64,
    pub(crate) width: u16,
    pub(crate) height: u16,
    /// Positions before the last jumps, newest last.
    pub(crate) jumps: Vec<u64>,
}

impl Viewport {
    /// A viewport at the start of a file of `size` bytes.
    pub fn new(origin: Origin, size: u64) -> Viewport {
        Viewport {
            origin,
            size,
            cursor: 0,
            top: 0,
            width: 80,
            height: 24,
            jumps: Vec::new(),
        }
    }

    /// The origin: the address of file offset 0.
    pub fn origin(&self) -> Origin {
        self.origin
    }
    /// The file's size as the view sees it.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The cursor's file offset.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }
    /// The top dump line.
    pub fn top(&self) -> u64 {
        self.top
    }
    /// The terminal's size.
    pub fn screen(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// The dump line geometry for this file and terminal.
    pub fn geometry(&self) -> DumpGeometry {
        DumpGeometry::new(self.origin, self.size, self.width)
    }

    /// File offset `x` as SEG:OFF with the segment as wide as on every dump line of this file
    /// (`0A000000:3039` in a 5 GiB file, `0AFA:3F00` in a small one): every address the
    /// inspector shows reads the same.
    pub fn addr(&self, x: u64) -> String {
        self.wide(self.origin.address(x))
    }

    /// The label of the dump line holding file offset `x`, as wide as [`Viewport::addr`].
    pub fn line_addr(&self, x: u64) -> String {
        self.wide(self.origin.line_address(x))
    }

    fn wide(&self, a: crate::address::Address) -> String {
        let digits = self.geometry().seg_digits;
        format!("{:0digits$X}:{:04X}", a.segment, a.offset)
    }

    /// Where everything goes with `panes` open.
    pub fn areas(&self, panes: Panes) -> Areas {
        layout::areas(self.screen(), self.geometry(), panes)
    }

    fn phase(&self) -> u64 {
        (self.origin.offset & 15) as u64
    }

    /// Dump line holding file offset `x`.
    pub fn line_of(&self, x: u64) -> u64 {
        (x + self.phase()) / 16
    }

    /// First file offset shown on line `l` and the end of that line, `[start, end)`.
    pub fn line_range(&self, l: u64) -> (u64, u64) {
        let start = (l * 16).saturating_sub(self.phase());
        let end = (l * 16 + 16 - self.phase()).min(self.size);
        (start, end)
    }

    /// Dump lines of the file.
    pub fn line_count(&self) -> u64 {
        if self.size == 0 {
            0
        } else {
            self.line_of(self.size - 1) + 1
        }
    }

    /// The file range the dump shows with `rows` rows.
    pub fn shown(&self, rows: u64) -> (u64, u64) {
        let (start, _) = self.line_range(self.top);
        let end = self
            .line_range(self.top + rows.saturating_sub(1))
            .1
            .max(start);
        (start, end)
    }

    pub(crate) fn clamp_cursor(&mut self) {
        if self.size == 0 {
            self.cursor = 0;
        } else if self.cursor >= self.size {
            self.cursor = self.size - 1;
        }
    }

    /// Keeps the cursor's line on screen with `rows` rows.
    pub(crate) fn follow(&mut self, rows: u64) {
        let rows = rows.max(1);
        let l = self.line_of(self.cursor);
        if l < self.top {
            self.top = l;
        } else if l >= self.top + rows {
            self.top = l + 1 - rows;
        }
    }

    /// Moves the cursor to `x` and shows it with a few lines of context above; the position
    /// left is remembered for `''`.
    pub(crate) fn jump(&mut self, x: u64) {
        if self.jumps.last() != Some(&self.cursor) {
            self.jumps.push(self.cursor);
            if self.jumps.len() > JUMPS_KEPT {
                self.jumps.remove(0);
            }
        }
        self.place(x);
    }

    /// Moves the cursor to `x` with context above, remembering nothing.
    pub(crate) fn place(&mut self, x: u64) {
        self.cursor = x;
        self.clamp_cursor();
        self.top = self.line_of(self.cursor).saturating_sub(CONTEXT_ABOVE);
    }

    /// Returns to the position before the last jump (`''`), swapping it with the current one.
    pub(crate) fn jump_back(&mut self) -> Option<u64> {
        let back = self.jumps.pop()?;
        let here = self.cursor;
        self.place(back);
        self.jumps.push(here);
        Some(self.cursor)
    }

    pub(crate) fn move_by(&mut self, delta: i64, rows: u64) {
        self.cursor = if delta < 0 {
            self.cursor.saturating_sub(delta.unsigned_abs())
        } else {
            self.cursor.saturating_add(delta as u64)
        };
        self.clamp_cursor();
        self.follow(rows);
    }

    /// PgDn / PgUp: moves the view and the cursor `pages` pages of `rows` lines (negative:
    /// up), so a page starts right after the last line of the one before (as less and DEBUG
    /// page) and no line is ever skipped. The last page ends at the file's last line.
    pub(crate) fn page(&mut self, pages: i64, rows: u64) {
        let rows = rows.max(1);
        let lines = pages.unsigned_abs().saturating_mul(rows);
        let last_top = self.line_count().saturating_sub(rows);
        self.top = if pages < 0 {
            self.top.saturating_sub(lines)
        } else {
            self.top.saturating_add(lines).min(last_top.max(self.top))
        };
        let by = lines.saturating_mul(16).min(i64::MAX as u64) as i64;
        self.move_by(if pages < 0 { -by } else { by }, rows);
    }

    /// Scrolls by `lines`, pulling the cursor along when it would leave the screen.
    pub(crate) fn scroll(&mut self, lines: i64, rows: u64) {
        let max_top = self.line_count().saturating_sub(1);
        self.top = if lines < 0 {
            self.top.saturating_sub(lines.unsigned_abs())
        } else {
            (self.top + lines as u64).min(max_top)
        };
        let l = self.line_of(self.cursor);
        if l < self.top {
            self.cursor = self.line_range(self.top).0;
        } else if l >= self.top + rows.max(1) {
            self.cursor = self.line_range(self.top + rows.max(1) - 1).0;
        }
        self.clamp_cursor();
    }

    /// Changes the origin, keeping the same bytes on screen.
    pub(crate) fn set_origin(&mut self, o: Origin, rows: u64) {
        let top_off = self.line_range(self.top).0;
        self.origin = o;
        self.top = self.line_of(top_off);
        self.follow(rows);
    }

    /// The file shrank (or was found shorter): keep cursor and top inside it.
    pub(crate) fn shrink_to(&mut self, size: u64) {
        self.size = size;
        self.clamp_cursor();
        self.top = self.top.min(self.line_count().saturating_sub(1));
        self.jumps.retain(|&j| j < size.max(1));
    }

    /// The file offset under dump cell (`col`, `row`), if it is a byte.
    pub fn offset_at(&self, dump: Rect, col: u16, row: u16) -> Option<u64> {
        if row < dump.y
            || row >= dump.y + dump.height
            || col < dump.x + layout::GUTTER
            || col >= dump.x + dump.width
        {
            return None;
        }
        let li = self.top + (row - dump.y) as u64;
        if li >= self.line_count() {
            return None;
        }
        let (start, end) = self.line_range(li);
        let c = (col - dump.x - layout::GUTTER) as usize;
        let pick = self.geometry().column_at(c)?;
        let first = self.origin.column(start);
        if pick < first {
            return None;
        }
        let x = start + (pick - first) as u64;
        (x < end).then_some(x)
    }
}

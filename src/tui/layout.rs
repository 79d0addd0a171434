//! Where everything goes on the screen, as a function of the terminal's size, the file (its
//! widest address) and which panes are open. State (to size pages and hit mouse clicks) and
//! the views both ask here, so they always agree.
//!
//! The dump line has one address width for the whole file: the segment gets as many digits as
//! the file's last address needs, so columns never shift while scrolling. When the full DEBUG
//! line does not fit, a compact line (one space after the address and before the ASCII column)
//! keeps every byte on screen: a 5 GiB file still fits in 80 columns.

use crate::address::Origin;
use ratatui::layout::Rect;

/// The smallest terminal the inspector draws in (columns).
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal the inspector draws in (rows).
pub const MIN_HEIGHT: u16 = 24;
/// Gutter column left of each dump line.
pub const GUTTER: u16 = 1;
/// Side panes narrower than this are not made; the panes go below the dump instead.
const SIDE_MIN: u16 = 18;
/// A side column this wide holds the details and a second pane.
const SIDE_FULL: u16 = 40;
const BOTTOM_MIN: u16 = 7;
/// Rows the value inspector wants (its readings and a title).
const VALUES_HEIGHT: u16 = 14;

/// Column positions of a dump line for one file at one terminal width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DumpGeometry {
    /// Hex digits of the segment (at least 4).
    pub seg_digits: usize,
    /// One space after the address and before the ASCII column instead of two and three.
    pub compact: bool,
}

impl DumpGeometry {
    /// The geometry for a file of `size` bytes under `origin`, in a terminal `width` wide.
    pub fn new(origin: Origin, size: u64, width: u16) -> DumpGeometry {
        let digits = origin.seg_digits(size);
        let full = DumpGeometry {
            seg_digits: digits,
            compact: false,
        };
        if (GUTTER as usize + full.line_width() + 1) <= width as usize {
            full
        } else {
            DumpGeometry {
                compact: true,
                ..full
            }
        }
    }

    /// Width of the address: segment digits, a colon and four offset digits.
    pub fn addr_width(self) -> usize {
        self.seg_digits + 5
    }

    fn gap_hex(self) -> usize {
        if self.compact {
            1
        } else {
            2
        }
    }

    fn gap_ascii(self) -> usize {
        if self.compact {
            1
        } else {
            3
        }
    }

    /// Column (within the line) of the first hex digit of byte `col` (0..16).
    pub fn hex(self, col: usize) -> usize {
        self.addr_width() + self.gap_hex() + col * 3
    }

    /// Column of the ASCII character of byte `col`.
    pub fn ascii(self, col: usize) -> usize {
        self.addr_width() + self.gap_hex() + 47 + self.gap_ascii() + col
    }

    /// Width of a full line.
    pub fn line_width(self) -> usize {
        self.ascii(16)
    }

    /// The byte column (0..16) under line column `c`, if any.
    pub fn column_at(self, c: usize) -> Option<usize> {
        (0..16).find(|&k| (c >= self.hex(k) && c < self.hex(k) + 3) || c == self.ascii(k))
    }
}

/// Which panes are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Panes {
    /// A list (findings, matches, notes) is open.
    pub list: bool,
    /// The value inspector is open.
    pub values: bool,
}

/// Where everything goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub dump: Rect,
    pub minimap: Rect,
    pub details: Rect,
    pub list: Rect,
    pub values: Rect,
    /// The legend, when it has a pane of its own (else it ends the details).
    pub legend: Rect,
    pub status: Rect,
    pub too_small: bool,
}

/// Where everything goes for a terminal of `size`, dump lines of `geo`, and the open panes.
pub fn areas(size: Rect, geo: DumpGeometry, panes: Panes) -> Areas {
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let mut a = Areas {
        title: Rect::new(0, 0, size.width, 1),
        status: Rect::new(0, size.height - 2, size.width, 2),
        ..Areas::default()
    };
    let body_h = size.height - 3;
    let dump_w = (GUTTER as usize + geo.line_width()).min(size.width as usize - 1) as u16;
    let side_w = size.width.saturating_sub(dump_w + 2);
    if side_w >= SIDE_FULL {
        // Wide: the details beside the dump, a second pane under them when one is open.
        a.dump = Rect::new(0, 1, dump_w, body_h);
        let mut side = Rect::new(dump_w + 2, 1, side_w, body_h);
        if panes.values {
            let h = VALUES_HEIGHT.min(body_h.saturating_sub(8));
            a.values = Rect::new(side.x, side.y + side.height - h, side.width, h);
            side.height -= h;
        }
        if panes.list {
            let parts = split_v(side, 2);
            a.list = parts[1];
            side = parts[0];
        }
        a.details = side;
    } else {
        // The details below the dump; a narrow column beside it holds a list, the values or
        // the legend (100-119 columns), and below 100 columns they take the details' place.
        let bottom_h = if panes.values || panes.list {
            body_h / 2
        } else {
            (body_h / 3).max(BOTTOM_MIN)
        };
        let dump_h = body_h - bottom_h;
        a.dump = Rect::new(0, 1, dump_w, dump_h);
        let bottom = Rect::new(0, 1 + dump_h, size.width, bottom_h);
        if side_w >= SIDE_MIN {
            let side = Rect::new(dump_w + 2, 1, side_w, dump_h);
            a.details = bottom;
            if panes.list {
                a.list = side;
            } else if panes.values {
                a.values = side;
            } else {
                a.legend = side;
            }
        } else if panes.list {
            a.list = bottom;
        } else if panes.values {
            a.values = bottom;
        } else {
            a.details = bottom;
        }
    }
    a.minimap = Rect::new(a.dump.x + a.dump.width, a.dump.y, 1, a.dump.height);
    a
}

/// `n` stacked parts of `r`, the first one the largest.
fn split_v(r: Rect, n: u16) -> Vec<Rect> {
    let each = r.height / n;
    let first = r.height - each * (n - 1);
    let mut out = vec![Rect { height: first, ..r }];
    for i in 0..n - 1 {
        out.push(Rect {
            y: r.y + first + i * each,
            height: each,
            ..r
        });
    }
    out
}

/// The help overlay for `lines` lines of help in a terminal of `size`: its box (at most 80
/// columns, centred, with a border) and how far it scrolls at most to show the last line.
pub fn help_area(size: Rect, lines: u16) -> (Rect, u16) {
    let w = 80.min(size.width);
    let h = (lines + 2).min(size.height);
    let r = Rect::new((size.width - w) / 2, (size.height - h) / 2, w, h);
    (r, lines.saturating_sub(h.saturating_sub(2)))
}

/// Lines of the help overlay: one a key, a closing line, and where notes and exports go.
pub fn help_lines() -> u16 {
    super::keys::HELP.len() as u16 + 2
}

/// The first row shown of a list of `len` items `height` rows high, keeping `selected` in view
/// (the same answer for drawing and for mouse clicks).
pub fn list_first(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    selected.saturating_sub(height / 2).min(len - height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_width_for_the_whole_file() {
        let g = DumpGeometry::new(Origin::ZERO, 2 << 20, 80);
        assert_eq!((g.seg_digits, g.compact, g.line_width()), (5, false, 78));
        let g = DumpGeometry::new(Origin::ZERO, 64 * 1024, 80);
        assert_eq!((g.seg_digits, g.line_width()), (4, 77));
        // 5 GiB: segment 14000000 has 8 digits; the compact line fits 80 columns.
        let g = DumpGeometry::new(Origin::ZERO, 5 << 30, 80);
        assert_eq!((g.seg_digits, g.compact, g.line_width()), (8, true, 78));
        let g = DumpGeometry::new(Origin::ZERO, 5 << 30, 120);
        assert_eq!((g.compact, g.line_width()), (false, 81));
        assert_eq!(g.column_at(g.hex(3) + 1), Some(3));
        assert_eq!(g.column_at(g.ascii(15)), Some(15));
        assert_eq!(g.column_at(g.hex(0) - 1), None);
    }

    #[test]
    fn the_middle_band_uses_the_columns_beside_the_dump() {
        let g = DumpGeometry::new(Origin::ZERO, 1000, 100);
        let a = areas(Rect::new(0, 0, 110, 30), g, Panes::default());
        assert_eq!(a.legend.width, 110 - 78 - 2);
        assert_eq!(a.dump.width, 78);
        assert_eq!(a.details.y + a.details.height, 28);
        let a = areas(Rect::new(0, 0, 80, 24), g, Panes::default());
        assert_eq!(a.legend, Rect::default());
        assert_eq!(a.minimap.x, 78);
    }
}

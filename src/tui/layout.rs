//! Where everything goes on the screen, as a function of the terminal's size and which panes
//! are open. State (to size pages and hit mouse clicks) and rendering both ask here.

use ratatui::layout::Rect;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// Gutter column left of each dump line.
pub const GUTTER: u16 = 1;
/// Gutter + a DEBUG line (77) + the minimap column.
pub const DUMP_WIDTH: u16 = GUTTER + 77 + 1;
const SIDE_MIN: u16 = 40;
const BOTTOM_HEIGHT: u16 = 7;

/// Where everything goes for a terminal of `size`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub dump: Rect,
    pub minimap: Rect,
    pub details: Rect,
    pub list: Rect,
    pub status: Rect,
    pub too_small: bool,
}

pub fn areas(size: Rect, show_list: bool) -> Areas {
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let title = Rect::new(0, 0, size.width, 1);
    let status = Rect::new(0, size.height - 2, size.width, 2);
    let body_h = size.height - 3;
    let (dump, minimap, details, list) = if size.width >= DUMP_WIDTH + 1 + SIDE_MIN {
        // Wide: the panes beside the dump, the list under the details when shown.
        let side = Rect::new(DUMP_WIDTH + 1, 1, size.width - DUMP_WIDTH - 1, body_h);
        let (details, list) = if show_list {
            let half = body_h / 2;
            (
                Rect {
                    height: half,
                    ..side
                },
                Rect {
                    y: 1 + half,
                    height: body_h - half,
                    ..side
                },
            )
        } else {
            (side, Rect::default())
        };
        (
            Rect::new(0, 1, DUMP_WIDTH - 1, body_h),
            Rect::new(DUMP_WIDTH - 1, 1, 1, body_h),
            details,
            list,
        )
    } else {
        // 80 columns: one pane below the dump, the list in place of the details when shown.
        let dump_h = body_h - BOTTOM_HEIGHT;
        let w = size.width.min(DUMP_WIDTH);
        let bottom = Rect::new(0, 1 + dump_h, size.width, BOTTOM_HEIGHT);
        let (details, list) = if show_list {
            (Rect::default(), bottom)
        } else {
            (bottom, Rect::default())
        };
        (
            Rect::new(0, 1, w - 1, dump_h),
            Rect::new(w - 1, 1, 1, dump_h),
            details,
            list,
        )
    };
    Areas {
        title,
        dump,
        minimap,
        details,
        list,
        status,
        too_small: false,
    }
}

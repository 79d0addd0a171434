//! The selection: an anchor set with `v`; it spans from the anchor to the cursor while the
//! examiner moves, stays when `v` is pressed again (fixed), and is cleared only by Esc. `e`,
//! `a` and copy act on it.

/// The selection's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    anchor: Option<u64>,
    /// Where it ended when fixed with the second `v`; while None it follows the cursor.
    fixed_end: Option<u64>,
}

impl Selection {
    /// `v`: starts a selection at the cursor, or fixes the one being made (it stays until
    /// Esc), or starts a new one from the cursor when one is fixed.
    pub(crate) fn toggle(&mut self, cursor: u64) -> &'static str {
        match (self.anchor, self.fixed_end) {
            (Some(_), None) => {
                self.fixed_end = Some(cursor);
                "selection kept: e exports it, a annotates it, y copies it, Esc clears it"
            }
            _ => {
                self.anchor = Some(cursor);
                self.fixed_end = None;
                "selecting: move to extend, v again to keep it, Esc clears it"
            }
        }
    }

    /// Clears it; true if there was one.
    pub(crate) fn clear(&mut self) -> bool {
        let had = self.anchor.is_some();
        *self = Selection::default();
        had
    }

    /// `[start, end)` with the cursor at `cursor`.
    pub fn range(&self, cursor: u64) -> Option<(u64, u64)> {
        let a = self.anchor?;
        let b = self.fixed_end.unwrap_or(cursor);
        Some((a.min(b), a.max(b) + 1))
    }

    /// Whether it still follows the cursor.
    pub fn active(&self) -> bool {
        self.anchor.is_some() && self.fixed_end.is_none()
    }

    /// Keeps it inside a file of `size` bytes.
    pub(crate) fn shrink_to(&mut self, size: u64) {
        if size == 0 || self.anchor.is_some_and(|a| a >= size) {
            self.clear();
        } else if let Some(e) = self.fixed_end.as_mut() {
            *e = (*e).min(size - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persists_after_the_second_v_until_cleared() {
        let mut s = Selection::default();
        s.toggle(10);
        assert_eq!(s.range(20), Some((10, 21)));
        s.toggle(20);
        assert_eq!(s.range(99), Some((10, 21)), "kept where it was");
        assert!(s.clear());
        assert_eq!(s.range(99), None);
    }
}

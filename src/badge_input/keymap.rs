//! Linux key codes (`linux/input-event-codes.h`) to the text a badge reader means by them.
//!
//! The kernel reports keys by position, not by the character on them: what a key types
//! depends on the layout the reader was set up for. Digits and Enter are the same keys on the
//! US and German layouts, on the top row and on the keypad; letters are mapped too (German
//! swaps Y and Z), so that a letter in a run spoils the badge as it does on the window path.
//! Shift does not change a digit: some readers hold Shift while typing them (a French-style
//! setup), and a badge is digits whatever the reader thinks of the keyboard.

use crate::config::KeyboardLayout;

/// What one pressed key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// A character: a digit, a letter, a space.
    Char(char),
    Enter,
    /// Left or right Shift (its state changes the case of letters).
    Shift,
    /// Control, Alt, Meta, the lock keys: they type nothing.
    Modifier,
    /// Any other key (punctuation, function and arrow keys): not part of a badge.
    Other,
}

pub(crate) const KEY_LEFTSHIFT: u16 = 42;
pub(crate) const KEY_RIGHTSHIFT: u16 = 54;

/// KEY_1 (2) … KEY_9 (10), KEY_0 (11).
const TOP_ROW_DIGITS: [char; 10] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/// The letter rows of the US layout, starting at KEY_Q (16), KEY_A (30), KEY_Z (44).
const US_ROWS: [(u16, &str); 3] = [(16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm")];
/// The same key positions on the German layout: Y and Z change places.
const DE_ROWS: [(u16, &str); 3] = [(16, "qwertzuiop"), (30, "asdfghjkl"), (44, "yxcvbnm")];

/// The keypad's digits: KEY_KP7 (71) … KEY_KP0 (82), with KEY_KPMINUS (74) and KEY_KPPLUS
/// (78) in between. Taken as digits with or without Num Lock: a reader that types on the
/// keypad means digits.
fn keypad_digit(code: u16) -> Option<char> {
    Some(match code {
        71 => '7',
        72 => '8',
        73 => '9',
        75 => '4',
        76 => '5',
        77 => '6',
        79 => '1',
        80 => '2',
        81 => '3',
        82 => '0',
        _ => return None,
    })
}

fn letter(layout: KeyboardLayout, code: u16) -> Option<char> {
    let rows = match layout {
        KeyboardLayout::Us => &US_ROWS,
        KeyboardLayout::De => &DE_ROWS,
    };
    rows.iter().find_map(|(first, letters)| {
        let i = usize::from(code.checked_sub(*first)?);
        letters.chars().nth(i)
    })
}

/// What the key `code` means on `layout`, Shift held or not.
pub(crate) fn map(layout: KeyboardLayout, code: u16, shift: bool) -> Mapped {
    match code {
        2..=11 => Mapped::Char(TOP_ROW_DIGITS[usize::from(code - 2)]),
        // KEY_ENTER, KEY_KPENTER.
        28 | 96 => Mapped::Enter,
        KEY_LEFTSHIFT | KEY_RIGHTSHIFT => Mapped::Shift,
        // Ctrl (29, 97), Alt (56, 100), Caps Lock (58), Num Lock (69), Scroll Lock (70),
        // Meta (125, 126).
        29 | 97 | 56 | 100 | 58 | 69 | 70 | 125 | 126 => Mapped::Modifier,
        // KEY_SPACE.
        57 => Mapped::Char(' '),
        _ => match keypad_digit(code).or_else(|| letter(layout, code)) {
            Some(c) if shift => Mapped::Char(c.to_ascii_uppercase()),
            Some(c) => Mapped::Char(c),
            None => Mapped::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyboardLayout::{De, Us};

    #[test]
    fn digits_are_the_same_keys_on_both_layouts_with_or_without_shift() {
        for layout in [Us, De] {
            for shift in [false, true] {
                let top: String = (2..=11)
                    .map(|code| match map(layout, code, shift) {
                        Mapped::Char(c) => c,
                        other => panic!("{code}: {other:?}"),
                    })
                    .collect();
                assert_eq!(top, "1234567890");
                let pad: String = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73]
                    .into_iter()
                    .map(|code| match map(layout, code, shift) {
                        Mapped::Char(c) => c,
                        other => panic!("{code}: {other:?}"),
                    })
                    .collect();
                assert_eq!(pad, "0123456789");
                assert_eq!(map(layout, 28, shift), Mapped::Enter);
                assert_eq!(map(layout, 96, shift), Mapped::Enter);
            }
        }
    }

    #[test]
    fn letters_follow_the_layout() {
        // KEY_Y (21) and KEY_Z (44) change places on a German keyboard.
        assert_eq!(map(Us, 21, false), Mapped::Char('y'));
        assert_eq!(map(De, 21, false), Mapped::Char('z'));
        assert_eq!(map(Us, 44, false), Mapped::Char('z'));
        assert_eq!(map(De, 44, false), Mapped::Char('y'));
        assert_eq!(map(Us, 16, true), Mapped::Char('Q'));
        assert_eq!(map(De, 50, false), Mapped::Char('m'));
        assert_eq!(map(Us, 30, false), Mapped::Char('a'));
        assert_eq!(map(Us, 38, false), Mapped::Char('l'));
    }

    #[test]
    fn modifiers_type_nothing_and_other_keys_are_other() {
        assert_eq!(map(Us, KEY_LEFTSHIFT, false), Mapped::Shift);
        assert_eq!(map(De, KEY_RIGHTSHIFT, true), Mapped::Shift);
        for code in [29, 56, 58, 69, 97, 100, 125] {
            assert_eq!(map(Us, code, false), Mapped::Modifier, "{code}");
        }
        // Esc, minus, Tab, the keys after each letter row, KP minus / plus / dot, F1, an
        // arrow, a mouse button, the largest code.
        for code in [1, 12, 15, 26, 39, 51, 74, 78, 83, 59, 103, 0x110, u16::MAX] {
            assert_eq!(map(De, code, false), Mapped::Other, "{code}");
        }
        assert_eq!(map(Us, 57, false), Mapped::Char(' '));
    }
}

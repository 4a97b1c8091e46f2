//! How the kiosk window takes the screen: full screen with the pointer hidden on a kiosk
//! (`[kiosk] fullscreen`, `pointer`), or a window of a given size for development
//! (`--windowed [WxH]`). The DRM/KMS backend is always full screen; there only the pointer
//! setting matters.

use super::generated::{AppWindow, Theme};
use crate::config::DisplaySettings;
use slint::ComponentHandle;
use std::fmt;
use std::str::FromStr;

/// A window size in logical pixels, as `--windowed` takes it ("1024x600").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

impl WindowSize {
    /// The window of `--windowed` without a size, and of the demo: a 10" kiosk screen.
    pub const DEFAULT: WindowSize = WindowSize {
        width: 1280,
        height: 800,
    };
    /// The smallest the layout is made for, either way round (800×480, 480×800).
    const MIN_SIDE: u32 = 480;
    const MAX_SIDE: u32 = 16_384;
}

impl FromStr for WindowSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let wrong = || format!("\"{s}\" is not a size like 1024x600");
        let (w, h) = s.trim().split_once(['x', 'X', '×']).ok_or_else(wrong)?;
        let side = |t: &str| t.trim().parse::<u32>().map_err(|_| wrong());
        let size = WindowSize {
            width: side(w)?,
            height: side(h)?,
        };
        let range = WindowSize::MIN_SIDE..=WindowSize::MAX_SIDE;
        if !range.contains(&size.width) || !range.contains(&size.height) {
            return Err(format!(
                "{size} is outside what the layout fits: each side {}–{} px",
                WindowSize::MIN_SIDE,
                WindowSize::MAX_SIDE
            ));
        }
        Ok(size)
    }
}

impl fmt::Display for WindowSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// The window as it will be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowMode {
    pub fullscreen: bool,
    /// The window's size when not full screen.
    pub size: WindowSize,
    pub pointer_hidden: bool,
}

impl WindowMode {
    /// The config's choice, unless `--windowed` asked for a window.
    pub fn resolve(display: &DisplaySettings, windowed: Option<WindowSize>) -> WindowMode {
        let fullscreen = display.fullscreen && windowed.is_none();
        WindowMode {
            fullscreen,
            size: windowed.unwrap_or(WindowSize::DEFAULT),
            pointer_hidden: display.pointer_hidden(fullscreen),
        }
    }

    /// Sets it on a window before it is shown.
    pub fn apply(&self, window: &AppWindow) {
        let w = window.window();
        if self.fullscreen {
            w.set_fullscreen(true);
        } else {
            w.set_fullscreen(false);
            w.set_size(slint::LogicalSize::new(
                self.size.width as f32,
                self.size.height as f32,
            ));
        }
        window
            .global::<Theme>()
            .set_pointer_hidden(self.pointer_hidden);
        log::info!(
            "window: {}, pointer {}",
            match self.fullscreen {
                true => "full screen".to_string(),
                false => format!("{} window", self.size),
            },
            if self.pointer_hidden {
                "hidden"
            } else {
                "shown"
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Pointer;

    #[test]
    fn sizes_parse_and_bad_ones_are_explained() {
        let s: WindowSize = "1024x600".parse().unwrap();
        assert_eq!((s.width, s.height), (1024, 600));
        assert_eq!(
            "480×800".parse::<WindowSize>().unwrap().to_string(),
            "480x800"
        );
        assert!(
            "1024"
                .parse::<WindowSize>()
                .unwrap_err()
                .contains("like 1024x600")
        );
        assert!("axb".parse::<WindowSize>().is_err());
        assert!("320x240".parse::<WindowSize>().unwrap_err().contains("480"));
    }

    #[test]
    fn windowed_overrides_fullscreen_and_shows_the_pointer() {
        let kiosk = DisplaySettings::default();
        let full = WindowMode::resolve(&kiosk, None);
        assert!(full.fullscreen && full.pointer_hidden);
        let dev = WindowMode::resolve(&kiosk, Some("1024x600".parse().unwrap()));
        assert!(!dev.fullscreen && !dev.pointer_hidden);
        assert_eq!(dev.size.to_string(), "1024x600");
        let shown = DisplaySettings {
            fullscreen: true,
            pointer: Some(Pointer::Shown),
        };
        assert!(!WindowMode::resolve(&shown, None).pointer_hidden);
        let hidden = DisplaySettings {
            fullscreen: false,
            pointer: Some(Pointer::Hidden),
        };
        let mode = WindowMode::resolve(&hidden, None);
        assert!(!mode.fullscreen && mode.pointer_hidden);
        assert_eq!(mode.size, WindowSize::DEFAULT);
    }
}

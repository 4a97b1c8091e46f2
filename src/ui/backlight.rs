//! The panel's backlight (`/sys/class/backlight/<name>/`): dimmed, off and back on.
//!
//! A black picture on an LCD still lets light through; only the backlight turned off makes
//! the screen dark and saves the power. The package's udev rule gives the kiosk's group write
//! access to `brightness` and `bl_power`. Without a writable backlight the kiosk draws black
//! instead (`Backlight::open` says why in the log).

use crate::config::BacklightSetting;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the kernel lists backlights.
pub const SYS_BACKLIGHTS: &str = "/sys/class/backlight";

/// The share of the awake brightness the screen keeps while dimmed.
const DIM_PERCENT: u32 = 20;
/// `bl_power` values (the kernel's FB_BLANK_UNBLANK and FB_BLANK_POWERDOWN).
const POWER_ON: &str = "0";
const POWER_OFF: &str = "4";

/// One backlight the kiosk may write.
#[derive(Debug)]
pub struct Backlight {
    dir: PathBuf,
    max: u32,
    /// The brightness to come back to: what it was before the first dim or blank.
    awake: Option<u32>,
}

impl Backlight {
    /// The backlight the setting names, if it can be written; `None` means draw black. A
    /// backlight left off by a kiosk that crashed while blank is turned back on here.
    pub fn open(setting: &BacklightSetting) -> Option<Backlight> {
        let dir = match setting {
            BacklightSetting::Drawn => return None,
            BacklightSetting::Path(dir) => dir.clone(),
            BacklightSetting::Auto => match first_backlight(Path::new(SYS_BACKLIGHTS)) {
                Some(dir) => dir,
                None => {
                    log::info!("no backlight in {SYS_BACKLIGHTS}: blanking draws black");
                    return None;
                }
            },
        };
        match Backlight::at(&dir) {
            Ok(light) => Some(light),
            Err(e) => {
                log::warn!(
                    "backlight {}: {e}; blanking draws black (the package's udev rule makes \
                     brightness writable for the canteen-kiosk group)",
                    dir.display()
                );
                None
            }
        }
    }

    /// The backlight in `dir`, checked writable and switched on.
    pub fn at(dir: &Path) -> io::Result<Backlight> {
        let max = read_number(&dir.join("max_brightness"))?;
        let now = read_number(&dir.join("brightness"))?;
        let light = Backlight {
            dir: dir.to_path_buf(),
            max,
            awake: None,
        };
        // Writing the value it has proves write access without a flicker.
        let start = if now == 0 { max } else { now };
        light.write("brightness", &start.to_string())?;
        light.power(true);
        log::info!("backlight {}: blanking turns it off", dir.display());
        Ok(light)
    }

    /// Dims to a fifth of the awake brightness (at least 1, so it stays visible).
    pub fn dim(&mut self) -> io::Result<()> {
        let awake = self.remember_awake()?;
        let dimmed = (awake * DIM_PERCENT / 100).max(1);
        self.write("brightness", &dimmed.to_string())
    }

    /// Turns the light off: brightness 0, and the panel's power off where the driver has it.
    pub fn off(&mut self) -> io::Result<()> {
        self.remember_awake()?;
        self.write("brightness", "0")?;
        self.power(false);
        Ok(())
    }

    /// Back to the brightness from before dimming.
    pub fn on(&mut self) -> io::Result<()> {
        let Some(awake) = self.awake.take() else {
            return Ok(());
        };
        self.power(true);
        self.write("brightness", &awake.to_string())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn remember_awake(&mut self) -> io::Result<u32> {
        if let Some(awake) = self.awake {
            return Ok(awake);
        }
        let now = read_number(&self.dir.join("brightness"))?;
        let awake = if now == 0 {
            self.max
        } else {
            now.min(self.max)
        };
        self.awake = Some(awake);
        Ok(awake)
    }

    /// `bl_power` is optional (not every driver has it): failures are only logged.
    fn power(&self, on: bool) {
        let path = self.dir.join("bl_power");
        if !path.exists() {
            return;
        }
        if let Err(e) = fs::write(&path, if on { POWER_ON } else { POWER_OFF }) {
            log::debug!("backlight {}: {e}", path.display());
        }
    }

    fn write(&self, file: &str, value: &str) -> io::Result<()> {
        let path = self.dir.join(file);
        fs::write(&path, value).map_err(|e| io::Error::new(e.kind(), format!("{file}: {e}")))
    }
}

impl Drop for Backlight {
    /// A kiosk that ends (stopped, or an error) never leaves the screen dark.
    fn drop(&mut self) {
        if let Err(e) = self.on() {
            log::warn!(
                "backlight {}: could not turn it back on: {e}",
                self.dir.display()
            );
        }
    }
}

/// The first backlight by name, for a stable choice on boards with two.
fn first_backlight(root: &Path) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("brightness").exists())
        .collect();
    dirs.sort();
    dirs.into_iter().next()
}

fn read_number(path: &Path) -> io::Result<u32> {
    let text = fs::read_to_string(path)?;
    text.trim().parse().map_err(|_| {
        let msg = format!("{} holds {:?}, not a number", path.display(), text.trim());
        io::Error::new(io::ErrorKind::InvalidData, msg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backlight directory as the kernel shows one (plain files stand in for sysfs).
    fn fake(brightness: u32, max: u32, bl_power: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("max_brightness"), format!("{max}\n")).unwrap();
        fs::write(dir.path().join("brightness"), format!("{brightness}\n")).unwrap();
        if bl_power {
            fs::write(dir.path().join("bl_power"), "0\n").unwrap();
        }
        dir
    }

    fn read(dir: &Path, file: &str) -> String {
        fs::read_to_string(dir.join(file))
            .unwrap()
            .trim()
            .to_string()
    }

    #[test]
    fn dims_turns_off_and_comes_back_to_the_same_brightness() {
        let dir = fake(180, 255, true);
        let mut light = Backlight::at(dir.path()).unwrap();
        light.dim().unwrap();
        assert_eq!(read(dir.path(), "brightness"), "36");
        light.off().unwrap();
        assert_eq!(read(dir.path(), "brightness"), "0");
        assert_eq!(read(dir.path(), "bl_power"), "4");
        light.on().unwrap();
        assert_eq!(read(dir.path(), "brightness"), "180");
        assert_eq!(read(dir.path(), "bl_power"), "0");
    }

    #[test]
    fn a_backlight_left_off_by_a_crash_is_turned_on_at_start() {
        let dir = fake(0, 100, true);
        fs::write(dir.path().join("bl_power"), "4").unwrap();
        let _light = Backlight::at(dir.path()).unwrap();
        assert_eq!(read(dir.path(), "brightness"), "100");
        assert_eq!(read(dir.path(), "bl_power"), "0");
    }

    #[test]
    fn dropping_it_while_off_turns_it_back_on() {
        let dir = fake(7, 7, false);
        let mut light = Backlight::at(dir.path()).unwrap();
        light.off().unwrap();
        assert_eq!(read(dir.path(), "brightness"), "0");
        drop(light);
        assert_eq!(read(dir.path(), "brightness"), "7");
    }

    #[test]
    fn a_dim_panel_keeps_some_light() {
        let dir = fake(3, 3, false);
        let mut light = Backlight::at(dir.path()).unwrap();
        light.dim().unwrap();
        assert_eq!(read(dir.path(), "brightness"), "1");
    }

    #[test]
    fn no_backlight_or_a_broken_one_means_drawing_black() {
        assert!(Backlight::open(&BacklightSetting::Drawn).is_none());
        let empty = tempfile::tempdir().unwrap();
        assert!(first_backlight(empty.path()).is_none());
        let missing = BacklightSetting::Path(empty.path().join("nope"));
        assert!(Backlight::open(&missing).is_none());
        let dir = fake(1, 1, false);
        fs::write(dir.path().join("max_brightness"), "lots").unwrap();
        let err = Backlight::at(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not a number"), "{err}");
    }

    #[test]
    fn auto_takes_the_first_backlight_by_name() {
        let root = tempfile::tempdir().unwrap();
        for name in ["rpi_backlight", "10-0045"] {
            let d = root.path().join(name);
            fs::create_dir(&d).unwrap();
            fs::write(d.join("brightness"), "1").unwrap();
        }
        fs::create_dir(root.path().join("aaa-no-brightness")).unwrap();
        assert_eq!(
            first_backlight(root.path()),
            Some(root.path().join("10-0045"))
        );
    }
}

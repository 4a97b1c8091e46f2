use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    // Debug info lets the headless UI tests find elements by accessible label.
    // Translations (ui/translations/<lang>/LC_MESSAGES/canteen-kiosk.po) are compiled into the
    // binary and picked at run time with `slint::select_bundled_translation`. Messages carry
    // no context (the .po files have no msgctxt) unless a @tr() gives one explicitly.
    // Release builds leave it out: it only costs size and time on the kiosk.
    let debug_info = std::env::var("PROFILE").map_or(true, |p| p != "release");
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(debug_info)
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    slint_build::compile_with_config("ui/app.slint", config).expect("ui/app.slint must compile");

    // The build time is a floor for a trustworthy clock (a Pi without RTC boots in 1970).
    // SOURCE_DATE_EPOCH keeps reproducible builds reproducible.
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    println!("cargo:rustc-env=KIOSK_BUILD_UNIX={secs}");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-changed=ui");
}

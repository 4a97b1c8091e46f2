slint::include_modules!();
fn main() {
    let w = AppWindow::new().unwrap();
    let _ = w;
}

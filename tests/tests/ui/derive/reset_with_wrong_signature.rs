use pool_core::Reset;

fn clear_text(text: &mut String) {
    text.clear();
}

#[derive(Reset)]
struct Task {
    #[pool(reset_with = clear_text)]
    data: Vec<u8>,
}

fn main() {}

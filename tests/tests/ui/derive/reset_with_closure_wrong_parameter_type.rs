use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(reset_with = |text: &mut String| text.clear())]
    data: Vec<u8>,
}

fn main() {}

use pool_core::Reset;

#[derive(Reset)]
struct Counter(u32);

#[derive(Reset)]
enum Body {
    #[default]
    Counting(Counter),
    Done,
}

fn main() {}

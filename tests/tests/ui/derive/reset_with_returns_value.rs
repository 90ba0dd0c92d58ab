use pool_core::Reset;

fn clear(data: &mut Vec<u8>) -> usize {
    let len = data.len();
    data.clear();
    len
}

#[derive(Reset)]
struct Task {
    #[pool(reset_with = clear)]
    data: Vec<u8>,
}

fn main() {}

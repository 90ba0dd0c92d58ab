use pool_core::Reset;

struct Connection {
    port: u16,
}

#[derive(Reset)]
struct Task(u64, Connection);

fn main() {}

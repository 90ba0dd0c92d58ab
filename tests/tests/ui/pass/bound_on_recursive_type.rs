//! `#[pool(bound = "...")]` where the inferred bounds cannot hold: a tree whose children are a
//! `Box<[Node<T>]>`. Inferred, the `Reset` impl would ask `Box<[Node<T>]>: Reset`, which asks
//! `Node<T>: Reset` of itself: no `Node<u32>` could be reset, or pooled. Written, `T: Reset`
//! replaces it, and the recursion resolves.
#![deny(warnings)]

use pool_core::{Pool, Poolable, Reset};

#[derive(Poolable, Default)]
#[pool(bound = "T: Reset + Send + 'static")]
struct Node<T> {
    value: T,
    children: Box<[Node<T>]>,
}

/// The same on `Reset` alone.
#[derive(Reset)]
#[pool(bound = "K: Reset, V: Reset")]
struct Tree<K, V> {
    key: K,
    value: V,
    branches: Box<[Tree<K, V>]>,
}

static NODES: Pool<Node<u32>> = Pool::new();

fn leaf(value: u32) -> Node<u32> {
    Node {
        value,
        children: Box::default(),
    }
}

fn main() {
    let mut node = NODES.get();
    node.value = 1;
    node.children = vec![leaf(2), leaf(3)].into_boxed_slice();
    drop(node);
    let node = NODES.get();
    assert_eq!(node.value, 0);
    // A boxed slice keeps its length and resets each element.
    assert_eq!(node.children.len(), 2);
    assert!(node.children.iter().all(|child| child.value == 0));
    assert_eq!(NODES.stats().reused, 1);

    let mut tree = Tree {
        key: 1u8,
        value: String::from("root"),
        branches: vec![Tree {
            key: 2u8,
            value: String::from("branch"),
            branches: Box::default(),
        }]
        .into_boxed_slice(),
    };
    tree.reset();
    assert_eq!((tree.key, tree.value.as_str()), (0, ""));
    assert_eq!(
        (tree.branches[0].key, tree.branches[0].value.as_str()),
        (0, "")
    );
}

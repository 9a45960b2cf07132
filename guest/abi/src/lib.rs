//! The verifier's host kernels as the guest calls them, written once for
//! both sides: the guest (guest/program/src/kernels.rs) packs its arguments
//! with these, the executor (guest/executor/src/kernels.rs) unpacks them.
//!
//! Every argument is a 32-bit word (PolkaVM's addresses fit in 32 bits). The
//! kernels with more arguments than registers take the address of an
//! argument block instead: little-endian words in the order of the fields of
//! [`TreeArgs`], [`TensorArgs`] or [`RowArgs`]. The committed guest blob is
//! compiled against all of this, so changing any of it (reordering fields
//! included) breaks that blob.
#![no_std]

/// `sha256_compress(state, blocks, count)`: SHA-256's compression of `count`
/// blocks into `state`, [`SHA256_CHAINING_WORDS`] words.
pub const SHA256_COMPRESS: &str = "sha256_compress";
/// `sha256_each(items, count, item_len, prefix, prefix_len, out)`: SHA-256
/// of the prefix followed by each item (`items`, a table of addresses).
pub const SHA256_EACH: &str = "sha256_each";
/// `sha256_squeeze(state, count, out)`: `count` squeezes of a transcript
/// state of [`TRANSCRIPT_STATE_BYTES`].
pub const SHA256_SQUEEZE: &str = "sha256_squeeze";
/// `blake3_each(items, item_len, count, out)`: BLAKE3 of contiguous items.
pub const BLAKE3_EACH: &str = "blake3_each";
/// `blake3_tree(args, out)`: a Merkle walk, arguments in a [`TreeArgs`].
pub const BLAKE3_TREE: &str = "blake3_tree";
/// `tensor_eval(args, out)`: the tensor descent, arguments in a [`TensorArgs`].
pub const TENSOR_EVAL: &str = "tensor_eval";
/// `row_dots(args, out)`: rows' dot products, arguments in a [`RowArgs`].
pub const ROW_DOTS: &str = "row_dots";

/// Every kernel's import name.
pub const NAMES: [&str; 7] = [
    SHA256_COMPRESS,
    SHA256_EACH,
    SHA256_SQUEEZE,
    BLAKE3_EACH,
    BLAKE3_TREE,
    TENSOR_EVAL,
    ROW_DOTS,
];

/// Bytes of a word: an argument, or an entry of a table the arguments name
/// (addresses, layer sizes, points, a plan's node references).
pub const WORD_BYTES: u32 = 4;
/// Bytes of a plan's pair: two node references.
pub const PAIR_BYTES: u32 = 2 * WORD_BYTES;
/// Bytes of a SHA-256 block.
pub const SHA256_BLOCK_BYTES: u32 = 64;
/// Words of SHA-256's chaining value.
pub const SHA256_CHAINING_WORDS: usize = 8;
/// Bytes of the transcript state `sha256_squeeze` reads and writes
/// (`ligerito_pvm_verifier::sha256::State`).
pub const TRANSCRIPT_STATE_BYTES: u32 = 112;
/// Bytes of a digest (SHA-256 or BLAKE3), so of a Merkle node.
pub const HASH_BYTES: u32 = 32;
/// Bytes of a GF(2^32) row element.
pub const GF32_BYTES: u32 = 4;
/// Bytes of a GF(2^128) element: row elements, tensor values, challenges
/// and every value `tensor_eval` and `row_dots` return.
pub const GF128_BYTES: u32 = 16;
/// The most points one `tensor_eval` takes: a point's price covers sorting
/// it among at most this many. The verifier asks for one point per query
/// (148), at every size.
pub const MAX_TENSOR_POINTS: u32 = 1 << 12;

/// An argument block: a struct of words, laid out in the order declared.
macro_rules! block {
    ($(#[$doc:meta])* $name:ident { $($(#[$field_doc:meta])* $field:ident,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            $($(#[$field_doc])* pub $field: u32,)+
        }

        impl $name {
            /// Words in the block.
            pub const WORDS: usize = [$(stringify!($field)),+].len();

            /// The block as the guest lays it out.
            pub fn to_words(self) -> [u32; Self::WORDS] {
                [$(self.$field),+]
            }

            /// The block from the words the host read.
            pub fn from_words(words: [u32; Self::WORDS]) -> Self {
                let [$($field),+] = words;
                Self { $($field),+ }
            }
        }
    };
}

block! {
    /// [`BLAKE3_TREE`]'s arguments; `out` gets the top layer's hashes.
    TreeArgs {
        /// Address of the leaves' hashes.
        leaves,
        /// How many leaves there are.
        n_leaves,
        /// Address of the siblings' hashes.
        siblings,
        /// How many siblings there are.
        n_siblings,
        /// Address of each layer's pair count.
        layers,
        /// How many layers there are.
        n_layers,
        /// Address of the plan: every layer's pairs, from the leaves up.
        plan,
        /// How many pairs the plan has.
        n_plan,
    }
}

block! {
    /// [`TENSOR_EVAL`]'s arguments; `out` gets a value per point.
    TensorArgs {
        /// Address of y, 2^n GF(2^128) values.
        y,
        /// How many values y has.
        y_len,
        /// Address of the images of the points' unit vectors under the
        /// subspace polynomials: n rows of `width` GF(2^128) values.
        images,
        /// How many images there are.
        images_len,
        /// Images per row.
        width,
        /// The factors' offset: the j-th ignores a point's bits below `from + j`.
        from,
        /// Address of the points, a word each.
        points,
        /// How many points there are.
        points_len,
    }
}

block! {
    /// [`ROW_DOTS`]'s arguments; `out` gets a value per row.
    RowArgs {
        /// Address of a table of the rows' addresses.
        table,
        /// How many rows there are.
        rows,
        /// Elements per row.
        row_len,
        /// Bytes per element: [`GF32_BYTES`] or [`GF128_BYTES`].
        elem_bytes,
        /// Address of the challenges, GF(2^128) values.
        rs,
        /// How many challenges there are.
        rs_len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed guest blob's layouts: a field moved is a broken blob.
    #[test]
    fn blocks_keep_the_committed_layout() {
        let tree = TreeArgs::from_words([0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!((tree.leaves, tree.n_leaves, tree.siblings), (0, 1, 2));
        assert_eq!((tree.n_siblings, tree.layers, tree.n_layers), (3, 4, 5));
        assert_eq!((tree.plan, tree.n_plan), (6, 7));
        let t = TensorArgs::from_words([0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!((t.y, t.y_len, t.images, t.images_len), (0, 1, 2, 3));
        assert_eq!((t.width, t.from, t.points, t.points_len), (4, 5, 6, 7));
        let r = RowArgs::from_words([0, 1, 2, 3, 4, 5]);
        assert_eq!((r.table, r.rows, r.row_len), (0, 1, 2));
        assert_eq!((r.elem_bytes, r.rs, r.rs_len), (3, 4, 5));
        assert_eq!(RowArgs::from_words(r.to_words()), r);
    }
}

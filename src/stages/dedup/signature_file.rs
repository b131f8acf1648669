//! Signature files: `(document name, signature)` records, written shard by
//! shard and merged, so that a corpus cleaned in parts is deduplicated as
//! if it were one run.
//!
//! Example: the record `("a.txt", signature)` → the header `CANONSIG`,
//! version 1, 128 (permutations), then `5`, `a.txt`, the 16-byte key hash,
//! the n-gram length and 128 MinHash values, all little-endian;
//! [`read_signatures`] gives the records back as they were.
//!
//! Limits: a file of another format version or permutation count is
//! refused, not converted; a truncated record is an error, not skipped;
//! the records are read into memory whole.

use std::io::{self, Read, Write};

use super::minhash::{DocSignature, NUM_PERM};

/// First bytes of a signature file.
pub const SIGNATURE_MAGIC: &[u8; 8] = b"CANONSIG";

/// Version of the signature file format; bumped with any change to the
/// key, the n-gram hash, the permutations or the layout.
pub const SIGNATURE_VERSION: u32 = 1;

/// Writes `(document name, signature)` records. Layout, little-endian:
/// magic, version u32, NUM_PERM u32, then per record: name length u32,
/// name bytes, key hash (16 bytes), n-gram u8, NUM_PERM × u32. Files from
/// several shards are merged by concatenating their records and sorting by
/// name, which gives the same clustering as one run over everything.
pub fn write_signatures<'a, W: Write>(
    mut w: W,
    records: impl IntoIterator<Item = (&'a [u8], &'a DocSignature)>,
) -> io::Result<()> {
    w.write_all(SIGNATURE_MAGIC)?;
    w.write_all(&SIGNATURE_VERSION.to_le_bytes())?;
    w.write_all(&(NUM_PERM as u32).to_le_bytes())?;
    let mut buf = Vec::with_capacity(4 * NUM_PERM + 64);
    for (name, sig) in records {
        buf.clear();
        let len = u32::try_from(name.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "name too long"))?;
        buf.extend_from_slice(&len.to_le_bytes());
        buf.extend_from_slice(name);
        buf.extend_from_slice(&sig.key_hash);
        buf.push(sig.ngram);
        for v in &sig.minhash {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        w.write_all(&buf)?;
    }
    Ok(())
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

/// Reads a file written by [`write_signatures`].
pub fn read_signatures<R: Read>(mut r: R) -> io::Result<Vec<(Vec<u8>, DocSignature)>> {
    let mut header = [0u8; 16];
    r.read_exact(&mut header)?;
    if &header[..8] != SIGNATURE_MAGIC {
        return Err(invalid("not a canon signature file"));
    }
    let version = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
    let perms = u32::from_le_bytes(header[12..16].try_into().expect("4 bytes"));
    if version != SIGNATURE_VERSION || perms as usize != NUM_PERM {
        return Err(invalid("signature file of another format version"));
    }
    let mut out = Vec::new();
    let mut len_buf = [0u8; 4];
    loop {
        match r.read_exact(&mut len_buf) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(out),
            Err(e) => return Err(e),
        }
        let len = u32::from_le_bytes(len_buf) as usize;
        let mut name = vec![0u8; len];
        r.read_exact(&mut name)?;
        let mut fixed = [0u8; 17 + 4 * NUM_PERM];
        r.read_exact(&mut fixed)?;
        let mut key_hash = [0u8; 16];
        key_hash.copy_from_slice(&fixed[..16]);
        let mut minhash = [0u32; NUM_PERM];
        for (k, v) in minhash.iter_mut().enumerate() {
            let at = 17 + 4 * k;
            *v = u32::from_le_bytes(fixed[at..at + 4].try_into().expect("4 bytes"));
        }
        out.push((
            name,
            DocSignature {
                key_hash,
                ngram: fixed[16],
                minhash,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::signature;
    use crate::stages::dedup::tests::text;

    #[test]
    fn signature_file_round_trips() {
        let sigs = [signature(&text(1, 300)), signature("短")];
        let mut buf = Vec::new();
        write_signatures(
            &mut buf,
            [
                (b"a.txt".as_slice(), &sigs[0]),
                (b"b/c.txt".as_slice(), &sigs[1]),
            ],
        )
        .unwrap();
        let back = read_signatures(buf.as_slice()).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].0, b"a.txt");
        assert_eq!(back[0].1, sigs[0]);
        assert_eq!(back[1].1, sigs[1]);
        assert!(read_signatures(&b"NOTASIGFILE12345"[..]).is_err());
    }
}

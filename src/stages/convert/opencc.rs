//! OpenCC's conversion algorithm over the dictionaries `zhhz` embeds.
//!
//! The convert stage's engine. OpenCC converts in two steps: the text is cut
//! into segments by forward maximum matching against the config's
//! segmentation dictionaries, then every segment goes through the
//! conversion chain, each stage again replacing, position by position, the
//! longest key of its dictionary group. In a group the first dictionary
//! with any key at a position wins, with its longest key there.
//!
//! `zhhz` implements the same algorithm and ships OpenCC's dictionaries and
//! configs; we read both from it and resolve them as it does (including its
//! merge of a group of file dictionaries into one, and custom words as the
//! first dictionary of every group), so the output is the same, and
//! `tests` pins that on every config. What differs is the lookup structure:
//! zhhz finds a position's first character by binary search over the root's
//! ~10,000 children of each dictionary of a group; here the first
//! character of a key indexes a table directly (one load per dictionary and
//! position), which is most of the time spent, and an engine is immutable,
//! so one serves every thread.
//!
//! Example (`t2s`): `從網絡大國闊步邁向網絡強國` → `从网络大国阔步迈向网络强国`.
//!
//! Limits: OpenCC's configs only (no n-gram disambiguation, which OpenCC
//! does not do either); dictionaries are built when an engine is built
//! (about a second, once per run).

use std::collections::HashMap;

use serde_json::Value;

use crate::stages::utf8_len;

/// Marks "no node" and "no value" in the tables.
const NONE: u32 = u32::MAX;

/// Characters below this index the first-character table directly; the
/// few keys starting beyond the BMP are found by binary search.
const DIRECT_FIRST_CHARS: usize = 0x1_0000;

/// A dictionary group as one trie: each key keeps the value of every
/// member dictionary that has it, with the member's rank (0 first), so one
/// walk along the text answers for the whole group. Nodes keep their
/// children sorted in one flat list; the first character of a key indexes a
/// table directly.
#[derive(Debug)]
struct Group {
    /// Node of each first character below [`DIRECT_FIRST_CHARS`].
    first: Vec<u32>,
    nodes: Vec<Node>,
    /// Children of every node, each node's run sorted by character.
    children: Vec<(char, u32)>,
    /// Values of every node, each node's run sorted by rank.
    values: Vec<Entry>,
    /// The text of all values, one after another.
    text: String,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    children_start: u32,
    children_len: u32,
    values_start: u32,
    values_len: u32,
}

/// A member dictionary's value for a key: the member's rank and a range of
/// [`Group::text`].
#[derive(Debug, Clone, Copy)]
struct Entry {
    rank: u32,
    start: u32,
    len: u32,
}

/// A member dictionary of a group, as `(key, value)` pairs in file order.
type Pairs<'a> = Vec<(&'a str, &'a str)>;

impl Group {
    /// Builds a group from its members, highest priority first. Within a
    /// member a later pair wins over an earlier one with the same key (as
    /// in zhhz, and in OpenCC's text dictionaries).
    fn new(members: &[Pairs<'_>]) -> Group {
        #[derive(Default)]
        struct Building {
            children: HashMap<char, u32>,
            values: Vec<Entry>,
        }
        let mut building = vec![Building::default()];
        let mut text = String::new();
        for (rank, pairs) in members.iter().enumerate() {
            for &(key, value) in pairs {
                if key.is_empty() {
                    continue;
                }
                let mut node = 0;
                for c in key.chars() {
                    let next = building.len() as u32;
                    node = *building[node as usize].children.entry(c).or_insert(next);
                    if node == next {
                        building.push(Building::default());
                    }
                }
                let entry = Entry {
                    rank: rank as u32,
                    start: text.len() as u32,
                    len: value.len() as u32,
                };
                text.push_str(value);
                let values = &mut building[node as usize].values;
                match values.last_mut() {
                    // Members come in rank order: the last value is this
                    // member's when the key was seen before in it.
                    Some(last) if last.rank == entry.rank => *last = entry,
                    _ => values.push(entry),
                }
            }
        }
        let mut group = Group {
            first: vec![NONE; DIRECT_FIRST_CHARS],
            nodes: Vec::with_capacity(building.len()),
            children: Vec::new(),
            values: Vec::new(),
            text,
        };
        for b in &building {
            let mut mine: Vec<(char, u32)> = b.children.iter().map(|(&c, &n)| (c, n)).collect();
            mine.sort_unstable_by_key(|&(c, _)| c);
            group.nodes.push(Node {
                children_start: group.children.len() as u32,
                children_len: mine.len() as u32,
                values_start: group.values.len() as u32,
                values_len: b.values.len() as u32,
            });
            group.children.extend_from_slice(&mine);
            group.values.extend_from_slice(&b.values);
        }
        for (&c, &n) in &building[0].children {
            if (c as usize) < DIRECT_FIRST_CHARS {
                group.first[c as usize] = n;
            }
        }
        group
    }

    fn child(&self, node: u32, c: char) -> Option<u32> {
        let n = &self.nodes[node as usize];
        let start = n.children_start as usize;
        let run = &self.children[start..start + n.children_len as usize];
        run.binary_search_by_key(&c, |&(k, _)| k)
            .ok()
            .map(|i| run[i].1)
    }

    /// The key OpenCC picks at the start of `text`: of the first member
    /// with any key there, the longest. Its length in bytes and its value.
    fn longest_prefix(&self, text: &str) -> Option<(usize, &str)> {
        let mut chars = text.char_indices();
        let (_, c) = chars.next()?;
        let mut node = match self.first.get(c as usize) {
            Some(&n) if n != NONE => n,
            Some(_) => return None,
            None => self.child(0, c)?,
        };
        let mut best: Option<(usize, Entry)> = None;
        let mut end = c.len_utf8();
        loop {
            let n = &self.nodes[node as usize];
            let start = n.values_start as usize;
            // The highest-ranked value here counts if its member has no
            // shorter key here yet, or ranks at least as high as the one
            // that has.
            if let Some(&v) = self.values[start..start + n.values_len as usize].first()
                && best.is_none_or(|(_, b)| v.rank <= b.rank)
            {
                best = Some((end, v));
            }
            // Most keys are one character with nothing longer after them:
            // the next character need not be read.
            if n.children_len == 0 {
                break;
            }
            let Some((i, c)) = chars.next() else { break };
            match self.child(node, c) {
                Some(next) => node = next,
                None => break,
            }
            end = i + c.len_utf8();
        }
        best.map(|(len, v)| {
            let start = v.start as usize;
            (len, &self.text[start..start + v.len as usize])
        })
    }

    /// Converts `text` position by position, appending to `out`. A text
    /// that starts with ASCII has its ASCII runs copied without lookup,
    /// as zhhz does (keys such as `B型肝炎` match only inside a text that
    /// starts with a Chinese character).
    fn convert_into(&self, text: &str, out: &mut String) {
        let ascii_first = text.as_bytes().first().is_some_and(u8::is_ascii);
        let mut pos = 0;
        while pos < text.len() {
            if ascii_first {
                let run = text[pos..]
                    .bytes()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(text.len() - pos);
                out.push_str(&text[pos..pos + run]);
                pos += run;
                if pos == text.len() {
                    break;
                }
            }
            let rest = &text[pos..];
            match self.longest_prefix(rest) {
                Some((len, value)) => {
                    out.push_str(value);
                    pos += len;
                }
                None => {
                    let len = utf8_len(rest.as_bytes()[0]);
                    out.push_str(&rest[..len]);
                    pos += len;
                }
            }
        }
    }
}

/// A resolved OpenCC config: segmentation and conversion chain.
#[derive(Debug)]
pub struct Engine {
    segmentation: Option<Group>,
    chain: Vec<Group>,
}

impl Engine {
    /// Builds the engine for the OpenCC config `name` (`t2s`, `s2twp`, …)
    /// as zhhz embeds it, with `custom` words ahead of every dictionary.
    pub fn new(name: &str, custom: &[(&str, &str)]) -> Result<Engine, String> {
        let json =
            zhhz::data::config_text(name).ok_or_else(|| format!("unknown OpenCC config {name}"))?;
        let root: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let group = |spec: &Value| -> Result<Group, String> {
            let mut members = Vec::new();
            if !custom.is_empty() {
                members.push(Member::Pairs(custom.to_vec()));
            }
            expand(spec, &mut members)?;
            let pairs: Vec<Pairs<'_>> = members.iter().map(Member::pairs).collect();
            Ok(Group::new(&pairs))
        };
        let segmentation = match root.get("segmentation") {
            Some(seg) => Some(group(seg.get("dict").ok_or("segmentation without dict")?)?),
            None => None,
        };
        let chain = root
            .get("conversion_chain")
            .and_then(Value::as_array)
            .ok_or("config without conversion_chain")?
            .iter()
            .map(|stage| group(stage.get("dict").ok_or("chain stage without dict")?))
            .collect::<Result<_, _>>()?;
        Ok(Engine {
            segmentation,
            chain,
        })
    }

    /// Converts `text`.
    pub fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        // Scratch for chains of several stages, reused across segments.
        let mut buffers = (String::new(), String::new());
        let Some(segmentation) = &self.segmentation else {
            self.convert_segment(text, &mut buffers, &mut out);
            return out;
        };
        // Forward maximum matching: a matched key is a segment, and so is
        // each run of characters between keys.
        let (mut pos, mut run_start) = (0, 0);
        while pos < text.len() {
            let rest = &text[pos..];
            match segmentation.longest_prefix(rest) {
                Some((len, _)) => {
                    if run_start < pos {
                        self.convert_segment(&text[run_start..pos], &mut buffers, &mut out);
                    }
                    self.convert_segment(&rest[..len], &mut buffers, &mut out);
                    pos += len;
                    run_start = pos;
                }
                None => pos += utf8_len(rest.as_bytes()[0]),
            }
        }
        if run_start < text.len() {
            self.convert_segment(&text[run_start..], &mut buffers, &mut out);
        }
        out
    }

    fn convert_segment(
        &self,
        segment: &str,
        (input, output): &mut (String, String),
        out: &mut String,
    ) {
        match self.chain.as_slice() {
            [] => out.push_str(segment),
            [only] => only.convert_into(segment, out),
            [first, rest @ ..] => {
                input.clear();
                first.convert_into(segment, input);
                for stage in rest {
                    output.clear();
                    stage.convert_into(input, output);
                    std::mem::swap(input, output);
                }
                out.push_str(input);
            }
        }
    }
}

/// A member dictionary of a group as resolved, before it is built.
enum Member<'a> {
    /// OpenCC's text format: `key<TAB>value [more values]`, `#` comments;
    /// the first value is the conversion.
    Text(String),
    Pairs(Vec<(&'a str, &'a str)>),
}

impl Member<'_> {
    fn pairs(&self) -> Pairs<'_> {
        match self {
            Member::Text(text) => text
                .lines()
                .filter_map(|line| {
                    let line = line.trim_end_matches('\r');
                    if line.starts_with('#') {
                        return None;
                    }
                    let (key, values) = line.split_once('\t')?;
                    Some((key, values.split_whitespace().next()?))
                })
                .collect(),
            Member::Pairs(pairs) => pairs.clone(),
        }
    }
}

/// Appends the members of an OpenCC dictionary spec to `out`, as zhhz
/// resolves it: a group of file dictionaries becomes one member, their
/// texts in order (a later entry winning over an earlier one); other groups
/// are expanded member by member.
fn expand<'a>(spec: &'a Value, out: &mut Vec<Member<'a>>) -> Result<(), String> {
    match spec.get("type").and_then(Value::as_str).unwrap_or("text") {
        "group" => {
            let members = spec
                .get("dicts")
                .and_then(Value::as_array)
                .ok_or("group without dicts")?;
            let files: Option<Vec<&str>> = members.iter().map(file_name).collect();
            match files {
                Some(files) => {
                    let mut text = String::new();
                    for name in files {
                        text.push_str(&dict_text(name)?);
                        if !text.ends_with('\n') {
                            text.push('\n');
                        }
                    }
                    out.push(Member::Text(text));
                }
                None => {
                    for member in members {
                        expand(member, out)?;
                    }
                }
            }
        }
        "text" | "ocd" | "ocd2" => {
            let name = file_name(spec).ok_or("dictionary without file")?;
            out.push(Member::Text(dict_text(name)?));
        }
        "inline" => {
            let entries = spec
                .get("entries")
                .and_then(Value::as_object)
                .ok_or("inline dictionary without entries")?;
            let pairs = entries
                .iter()
                .map(|(k, v)| {
                    let value = v.as_str().unwrap_or("").split_whitespace().next();
                    (k.as_str(), value.unwrap_or(""))
                })
                .collect();
            out.push(Member::Pairs(pairs));
        }
        other => return Err(format!("unsupported dictionary type {other}")),
    }
    Ok(())
}

/// The dictionary name of a file dictionary spec (`TSPhrases.ocd2` →
/// `TSPhrases`), or `None` for any other spec.
fn file_name(spec: &Value) -> Option<&str> {
    let kind = spec.get("type").and_then(Value::as_str).unwrap_or("text");
    if !matches!(kind, "text" | "ocd" | "ocd2") {
        return None;
    }
    let file = spec.get("file").and_then(Value::as_str)?;
    Some(
        file.trim_end_matches(".ocd2")
            .trim_end_matches(".ocd")
            .trim_end_matches(".txt"),
    )
}

fn dict_text(name: &str) -> Result<String, String> {
    zhhz::data::dict_text_patched(name).ok_or_else(|| format!("unknown dictionary {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::convert::{ConvertConfig, Converter};

    fn group(members: &[&[(&str, &str)]]) -> Group {
        let members: Vec<Pairs<'_>> = members.iter().map(|m| m.to_vec()).collect();
        Group::new(&members)
    }

    #[test]
    fn longest_key_wins_within_a_dictionary() {
        let d = group(&[&[("中", "zh"), ("中国", "China"), ("中国人", "Chinese")]]);
        assert_eq!(d.longest_prefix("中国人民"), Some((9, "Chinese")));
        assert_eq!(d.longest_prefix("中国队"), Some((6, "China")));
        assert_eq!(d.longest_prefix("中文"), Some((3, "zh")));
        assert_eq!(d.longest_prefix("文"), None);
        assert_eq!(d.longest_prefix(""), None);
        // A key beyond the BMP, found through the root's sorted children.
        let d = group(&[&[("𠮷", "吉"), ("𠮷野", "吉野")]]);
        assert_eq!(d.longest_prefix("𠮷野家"), Some((7, "吉野")));
    }

    #[test]
    fn later_entries_win_and_comments_are_skipped() {
        let text = Member::Text("# comment\n国\t國 囯\n国\t國2\n\t空\n".to_string());
        let d = Group::new(&[text.pairs()]);
        assert_eq!(d.longest_prefix("国"), Some((3, "國2")));
        assert_eq!(d.longest_prefix("\t"), None);
    }

    #[test]
    fn the_first_dictionary_with_any_key_decides() {
        let g = group(&[&[("ab", "X")], &[("abc", "Y"), ("a", "Z")]]);
        // The first dictionary matches `ab`: its shorter key beats the
        // second one's longer `abc`.
        assert_eq!(g.longest_prefix("abc"), Some((2, "X")));
        assert_eq!(g.longest_prefix("ac"), Some((1, "Z")));
        // A higher-ranked member's key found further along still wins, and
        // a lower-ranked member's longer key then does not.
        let g = group(&[&[("abc", "X")], &[("a", "Y"), ("abcd", "Z")]]);
        assert_eq!(g.longest_prefix("abcd"), Some((3, "X")));
        assert_eq!(g.longest_prefix("abx"), Some((1, "Y")));
    }

    #[test]
    fn ascii_runs_are_copied_in_a_text_that_starts_with_ascii() {
        let g = group(&[&[("B型", "乙型"), ("型", "形")]]);
        let mut out = String::new();
        g.convert_into("B型", &mut out);
        assert_eq!(out, "B形");
        out.clear();
        g.convert_into("是B型", &mut out);
        assert_eq!(out, "是乙型");
    }

    /// Our engine against zhhz's, which implements the same algorithm over
    /// the same data and was checked against OpenCC 1.4.2 (docs/CONVERT.md):
    /// on real text of both scripts, and on random mixes of dictionary keys,
    /// key fragments, ASCII and punctuation, which reach the corners of
    /// segmentation and of the chains (keys that overlap, keys that start
    /// with ASCII).
    #[test]
    fn engine_agrees_with_zhhz_on_every_config() {
        let real = [
            include_str!("../../../fixtures/seeds/input/000_37350682c53dc1c8.txt"),
            include_str!("../../../fixtures/seeds/input/003_3cb92859fe70f893.txt"),
            include_str!("../../../fixtures/convert/mixed-document/input.txt"),
            include_str!("../../../fixtures/convert/traditional-news/input.txt"),
            include_str!("../../../fixtures/convert/negative-simplified/input.txt"),
        ];
        let mut keys: Vec<&str> = Vec::new();
        for name in [
            "TSPhrases",
            "STPhrases",
            "TWPhrases",
            "HKVariantsRevPhrases",
        ] {
            let text = zhhz::data::dict_text(name).unwrap();
            let dict_keys = text
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(k, _)| k);
            keys.extend(dict_keys.step_by(97));
        }
        // Keys that start with ASCII (`U盘`, `B型肝炎`) are matched only inside
        // a segment that does not.
        let extras = [
            "B",
            "型",
            "肝炎",
            " ",
            "a1",
            "，",
            "。",
            "\n",
            "干",
            "后",
            "發",
            "么",
            "𠮷",
            "U盘",
            "B型肝炎",
            "SQL注入",
            "A肝",
        ];
        // A fixed xorshift: the same mixes on every run.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut mixes = Vec::new();
        for _ in 0..300 {
            let mut mix = String::new();
            for _ in 0..1 + next(12) {
                let piece = if next(3) == 0 {
                    extras[next(extras.len())]
                } else {
                    keys[next(keys.len())]
                };
                // Sometimes only the start or the end of a key.
                let cut = piece.char_indices().nth(next(3)).map_or(0, |(i, _)| i);
                mix.push_str(if next(4) == 0 { &piece[cut..] } else { piece });
            }
            mixes.push(mix);
        }
        for config in ConvertConfig::ALL {
            let ours = Converter::new(config);
            let theirs = zhhz::Converter::with_custom(
                config.engine_config(),
                &config
                    .overrides()
                    .iter()
                    .map(|&(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>(),
            );
            for text in real.iter().copied().chain(mixes.iter().map(String::as_str)) {
                assert_eq!(
                    ours.convert_text(text),
                    theirs.convert(text),
                    "{config}: {text:?}"
                );
            }
        }
    }
}

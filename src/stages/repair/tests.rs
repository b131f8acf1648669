//! The stage's tests through its entry, [`repair`]: what the whole stage
//! makes of a line, with the order of the repairs and every gate on the
//! way, so a repair one part would make and another part's gate forbids is
//! pinned here; and the tests of `mod.rs`'s own helpers. Each part's unit
//! tests end that part.
//!
//! Example: `idempotent_on_samples` cleans `cafÃ©` into `café`, and `café`
//! again into `café`.
//!
//! Limits: hand-picked lines, positive and negative; the fixtures
//! (`tests/fixtures.rs`) and the evaluation scripts check the stage on real
//! text.

use std::borrow::Cow;

use encoding_rs::{BIG5, Encoding, GBK};

use super::pinyin::count_pinyin_annotations;
use super::score::is_private_use;
use super::{Chain, Charset, PINYIN_MIN_DOC_ANNOTATIONS, RepairEdit, count_private_use, repair};

fn fixed(s: &str) -> String {
    repair(s).text.into_owned()
}

#[test]
fn passes_clean_text_through_borrowed() {
    for clean in [
        "中文\n",
        "plain ascii\n",
        "Ελληνικά και русский",
        "café crème",
    ] {
        let out = repair(clean);
        assert!(matches!(out.text, Cow::Borrowed(_)), "{clean}");
        assert!(out.report.is_empty(), "{clean}");
    }
}

#[test]
fn utf8_read_as_gbk() {
    let moji = GBK.decode("中文版本".as_bytes()).0.into_owned();
    assert_eq!(fixed(&moji), "中文版本");
    let out = repair(&moji);
    let chain = Chain {
        written: Charset::Utf8,
        read: Charset::Gbk,
    };
    assert_eq!(out.report.count(RepairEdit::Mojibake(chain)), 1);
    let sample = &out.report.edits[0].samples[0];
    assert_eq!(chain.undo(&sample.before).as_deref(), Some(&*sample.after));
}

#[test]
fn utf8_read_as_gbk_through_its_euro_pairs_and_latin_signs() {
    // `面。` leaves GBK's pair A2E3 (`€`) next to the byte 0x80 (`€`);
    // `议》` and `模、` leave `¤` (A1E8) and `°` (A1E3) among the hanzi.
    for text in [
        "为奋力开创网络强国建设新局面。",
        "签署《二十国集团数字经济发展与合作倡议》、推出“携手构建网络空间命运共同体”实践案例",
        "我国的网民规模、国家顶级域名注册量均为全球第一",
    ] {
        let moji = GBK.decode(text.as_bytes()).0.into_owned();
        assert!(moji.contains(['€', '¤', '°']), "{moji}");
        let out = fixed(&moji);
        // A line's last character may lose a byte to the end.
        let kept = out.trim_end_matches('\u{FFFD}');
        assert!(
            text.starts_with(kept) && kept.chars().count() + 1 >= text.chars().count(),
            "{moji} → {out}"
        );
    }
}

#[test]
fn gbk_read_as_big5_is_read_between_its_lost_characters() {
    // GBK pairs Big5 has no character for (`全` C8AB) become U+FFFD,
    // one per character: the stretches between them read on their own.
    for text in [
        "深入推进网络安全和个人信息保护，让全社会共同维护网络安全",
        "我们要以人民为中心，全面推进网络强国建设，全力维护国家安全",
    ] {
        let (bytes, _, _) = GBK.encode(text);
        let moji = BIG5.decode_without_bom_handling(&bytes).0.into_owned();
        assert!(moji.matches('\u{FFFD}').count() >= 2, "{moji}");
        // Character for character, the text with its lost characters.
        let lost: String = moji
            .chars()
            .zip(text.chars())
            .map(|(m, t)| if m == '\u{FFFD}' { m } else { t })
            .collect();
        let out = fixed(&moji);
        let stretches = |s: &str| -> Vec<String> {
            s.split('\u{FFFD}')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        };
        let (want, got, damaged) = (stretches(&lost), stretches(&out), stretches(&moji));
        assert_eq!(got.len(), want.len(), "{moji} → {out}");
        // Each stretch is restored, but for one of two characters (a
        // pair's worth of evidence, which may not be enough).
        for ((g, w), d) in got.iter().zip(&want).zip(&damaged) {
            assert!(
                g == w || (g == d && d.chars().count() <= 2),
                "{moji} → {out}"
            );
        }
    }
}

#[test]
fn gbk_read_as_latin1() {
    let bytes = GBK.encode("中文信息").0;
    let moji: String = bytes.iter().map(|&b| b as char).collect();
    assert_eq!(fixed(&moji), "中文信息");
}

#[test]
fn gbk_read_as_latin1_keeps_its_level_2_words() {
    let latin1 = |s: &str| -> String { GBK.encode(s).0.iter().map(|&b| b as char).collect() };
    // One span (no ASCII) with `砥砺`: kept whole.
    let line = "二、锚定蓝图、砥砺奋进，新时代网络强国建设取得历史性成就";
    assert_eq!(fixed(&latin1(line)), line);
    // `嶂` alone among few hanzi tips the shares: the rest is read
    // without it.
    let moji = format!("重巒疊{},{}茫茫", latin1("嶂"), latin1("林海"));
    assert_eq!(fixed(&moji), format!("重巒疊{},林海茫茫", latin1("嶂")));
}

/// Two code pages that read a line equally well are told apart by its
/// C1 controls: a decoder that has a character for a byte never writes
/// the control.
#[test]
fn c1_controls_tell_iso_8859_2_from_windows_1250() {
    let moji = "MĂĄm dost tĹ\u{99}etĂ\u{AD}ho tisĂ\u{AD}ciletĂ\u{AD}";
    assert_eq!(fixed(moji), "Mám dost třetího tisíciletí");
    let read = |text: &str| {
        let out = repair(text);
        out.report.edits.iter().find_map(|e| match e.kind {
            RepairEdit::Mojibake(chain) => Some(chain.read),
            _ => None,
        })
    };
    assert_eq!(read(moji), Some(Charset::Iso88592));
    // Without a control the first code page of the tie stays.
    let without = "MĂĄm dost tisĂ\u{AD}ciletĂ\u{AD}";
    assert_eq!(fixed(without), "Måm dost tisíciletí");
    assert_eq!(read(without), Some(Charset::Windows1250));
    // Controls that change nothing when read either way keep the
    // earlier code page: the text is the same.
    let quote = "ok â\u{80}\u{9C}senza modifiche";
    assert_eq!(fixed(quote), "ok “senza modifiche");
    assert_eq!(read(quote), Some(Charset::Windows1252));
}

/// A byte lost in GBK shifts every later pair; the first shifted pair is
/// often a common hanzi (`咳`), so the search starts a little before the
/// first rare one. Of two starts that read as well, the later wins.
#[test]
fn misaligned_runs_may_start_before_the_first_rare_character() {
    assert_eq!(
        fixed("车咳氪蠼中∠铮\u{FFFD}"),
        "车\u{FFFD}入大街小巷\u{FFFD}"
    );
    assert_eq!(
        fixed("须贯彻以人民为中牡姆⒄顾枷搿薄叭靡\u{FFFD}"),
        "须贯彻以人民为中\u{FFFD}的发展思想”“让\u{FFFD}"
    );
}

/// `span` of `line` written in one code page and read in another (the
/// boundary tests use it too).
pub(super) fn damage_span(
    line: &str,
    span: &str,
    written: &'static Encoding,
    read: &'static Encoding,
) -> String {
    let (bytes, _, errors) = written.encode(span);
    assert!(!errors, "{span}");
    let (text, errors) = read.decode_without_bom_handling(&bytes);
    assert!(!errors, "{span}");
    line.replacen(span, &text, 1)
}

#[test]
fn short_spans_between_clean_text_are_repaired() {
    let traditional = "這個計畫的基本目標已經在去年完成了。";
    let simplified = "我们生活在互联网时代，需要新的工作方法。";
    for (line, span, written, read) in [
        (traditional, "基本", BIG5, GBK),
        (traditional, "目標", BIG5, GBK),
        (simplified, "在互", GBK, BIG5),
        (simplified, "工作", GBK, BIG5),
    ] {
        let damaged = damage_span(line, span, written, read);
        assert_ne!(damaged, line);
        assert_eq!(fixed(&damaged), line, "{damaged}");
    }
}

#[test]
fn gbk_read_as_big5_by_either_decoder() {
    // GBK rows C6-C8 hold common hanzi (平 强 其 疲 前 启); WHATWG's Big5
    // reads them as HKSCS characters, code page 950 as ETEN's kana and
    // Cyrillic.
    let cp950: std::collections::HashMap<u16, char> = crate::tables::big5_cp950::CP950_PAIRS
        .iter()
        .copied()
        .collect();
    for line in [
        "精疲力尽的我们终于在前方看到了希望。",
        "坚持和平发展道路，建设网络强国，其意义重大。",
        "今年5月，世界互联网领先科技成果启动征集。",
    ] {
        let (bytes, _, _) = GBK.encode(line);
        let (whatwg, _) = BIG5.decode_without_bom_handling(&bytes);
        let mut windows = String::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] < 0x80 {
                windows.push(bytes[i] as char);
                i += 1;
                continue;
            }
            let pair = u16::from_be_bytes([bytes[i], bytes[i + 1]]);
            match cp950.get(&pair) {
                Some(&c) => windows.push(c),
                None => windows.push_str(&BIG5.decode_without_bom_handling(&bytes[i..i + 2]).0),
            }
            i += 2;
        }
        assert_ne!(whatwg, windows, "{line}: no row C6-C8 character");
        assert_eq!(fixed(&whatwg), line, "WHATWG: {whatwg}");
        assert_eq!(fixed(&windows), line, "cp950: {windows}");
    }
}

#[test]
fn runs_cut_off_by_ascii_follow_their_line() {
    // `年` and `月` alone between digits read as `爛` and `堎`, ordinary
    // Traditional characters; the rest of the line shows the misreading.
    for line in [
        "2014年4月,4G基站建成开通。",
        "今年5月，2023年世界互联网领先科技成果启动征集。",
    ] {
        let (bytes, _, _) = GBK.encode(line);
        let (damaged, _) = BIG5.decode_without_bom_handling(&bytes);
        assert_eq!(fixed(&damaged), line, "{damaged}");
    }
    // A clean run next to a repaired one stays.
    let (bytes, _, _) = BIG5.encode("基本");
    let (damaged, _) = GBK.decode_without_bom_handling(&bytes);
    let line = format!("這個計畫的{damaged}目標,已在2021年完成。");
    assert_eq!(fixed(&line), "這個計畫的基本目標,已在2021年完成。");
}

#[test]
fn big5_read_as_latin1_with_ascii_trails_makes_words() {
    // Big5's `可以` is A5 69 A5 48 and `工作` A4 75 A7 40: ASCII trail
    // bytes, weak evidence alone; that they make words is enough.
    for (line, span) in [
        ("我们可以在这里开会讨论问题。", "可以"),
        ("他们的工作做得很好，大家都满意。", "工作"),
    ] {
        let damaged = damage_span(line, span, BIG5, encoding_rs::WINDOWS_1252);
        assert_ne!(damaged, line);
        assert_eq!(fixed(&damaged), line, "{damaged}");
    }
    // Latin signs before ASCII letters that make no words stay (`°C` is
    // Big5 for `乾`).
    let celsius = "Entre 20°C et 25°C, la réaction est lente.";
    assert_eq!(fixed(celsius), celsius);
}

#[test]
fn one_rare_character_alone_is_not_a_short_span() {
    for clean in [
        // Rare characters in words, names and Japanese with its kana
        // spread out (no three in a row).
        "他的心里忐忑不安，一直在想明天的考试。",
        "王珏和李昇在会议上发言，介绍了新的计划。",
        "複数の単位を一つの方式に含める技術と方法。",
        "希腊字母α和β常用于表示角度和系数的大小。",
        "我們擁有同一種信念──反對一切不公平的事情。",
    ] {
        assert_eq!(fixed(clean), clean);
    }
}

#[test]
fn shifted_frequent_hanzi_before_a_lost_byte_are_realigned() {
    // The lead byte of `关` lost: `于网` shifts into `赜谕`, ordinary
    // hanzi that make no word; the next pair (F8 C2) is no GBK pair to
    // Python's or iconv's decoder, which writes U+FFFD and resyncs, so
    // `网` is gone with it.
    let damaged = "这是总书记赜谕\u{FFFD}络强国的重要思想的重大历史意义";
    assert_eq!(
        fixed(damaged),
        "这是总书记\u{FFFD}于\u{FFFD}络强国的重要思想的重大历史意义"
    );
}

#[test]
fn latin_mojibake_and_layers() {
    assert_eq!(fixed("cafÃ©"), "café");
    assert_eq!(fixed("doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t"), "doesn’t");
    assert_eq!(fixed("4288×…"), "4288×…");
}

#[test]
fn garbles_and_inconsistent_lines_are_left_alone() {
    for line in [
        // Mojibake lowercased after the fact: a few sequences still
        // decode, among lead and continuation bytes that fit none.
        "ã†â€™ãƒâ€ ã¢â‚¬â„¢ãƒæ’ã‚â¢ãƒâ¢ã¢â‚¬å¡ã‚â¬ãƒâ€šã‚â",
        // An en dash that was never misread next to one sequence.
        "Bremer/Mccoy – DrÃ¥ber",
    ] {
        assert_eq!(fixed(line), line);
    }
    assert_eq!(fixed("Le cafÃ© Ã©tait fermÃ©."), "Le café était fermé.");
}

#[test]
fn lossy_sequences_collapse() {
    assert_eq!(fixed("前锟斤拷锟斤拷后"), "前\u{FFFD}后");
    assert_eq!(fixed("前烫烫烫烫后"), "前\u{FFFD}后");
    assert_eq!(fixed("前\u{FFFD}\u{FFFD}后"), "前\u{FFFD}后");
    assert_eq!(fixed("很烫的水"), "很烫的水");
}

#[test]
fn pinyin_annotations_go_when_the_document_has_them() {
    let text = "進(jìn)入國(guó)家(jiā)的(ISO)標準(1)";
    assert_eq!(fixed(text), "進入國家的(ISO)標準(1)");
    assert_eq!(fixed("见附录(de)说明"), "见附录(de)说明");
}

#[test]
fn a_hanzi_lost_with_its_annotation_comes_back_from_its_reading() {
    // The document's pattern: tone-marked annotations after hanzi.
    let doc = "人(rén)民(mín)日(rì)报(bào)\n人民日?bào)\n";
    let out = repair(doc);
    assert_eq!(out.text, "人民日报\n人民日报\n");
    assert_eq!(out.report.count(RepairEdit::RestoredFromReading), 1);
    // In a Traditional line, the Traditional spelling.
    assert_eq!(
        fixed("來(lái)源(yuán):人民網(wǎng)-人民日?bào) 作者"),
        "來源:人民網-人民日報 作者"
    );
    // Seed 003's shape: debris of one character, then its mark.
    assert_eq!(
        fixed("網(wǎng)來(lái)-人民日?qǐng)?bào) 時(shí)"),
        "網來-人民日報 時"
    );
    // No candidate read `bào` pairs with `在`, `的`: lost.
    assert_eq!(
        fixed("網(wǎng)來(lái)在(zài)?bào)時(shí)"),
        "網來在\u{FFFD}時"
    );
    // Without the document's pattern, a `?bào)` is left alone.
    assert_eq!(fixed("人民日?bào)"), "人民日?bào)");
}

/// The document-wide count is a boundary: pinned at three annotations
/// (the reason is on `PINYIN_MIN_DOC_ANNOTATIONS`), so a document with
/// three is repaired, one with two keeps them, and moving the constant
/// either way fails one of the two halves.
#[test]
fn pinyin_needs_three_annotations_in_the_document() {
    let three = "銀(yín)行的服務\n新聞(wén)報導\n道(dào)路很寬\n";
    let two = "銀(yín)行的服務\n新聞(wén)報導\n道路很寬\n";
    assert_eq!(count_pinyin_annotations(three), 3);
    assert_eq!(count_pinyin_annotations(two), 2);
    assert_eq!(fixed(three), "銀行的服務\n新聞報導\n道路很寬\n");
    assert_eq!(fixed(two), two);
}

/// Big5 read as GBK in short runs between ASCII words: no run alone shows
/// enough, the line does, and its runs are decided together.
#[test]
fn short_runs_between_ascii_words_are_read_together() {
    for line in [
        "請使用 \"vimtutor\" 程式來學習 vim",
        "請參考 \"man ls\" 說明文件",
        "使用 grep 命令來搜尋檔案",
    ] {
        let (big5, _, _) = BIG5.encode(line);
        let (moji, _) = GBK.decode_without_bom_handling(&big5);
        assert_ne!(moji, line);
        assert_eq!(fixed(&moji), line, "{moji}");
    }
    // Inside a quote opened by Big5's `“`, read as GBK's `¨`.
    let line = "還有“本分割槽的位置”";
    let (big5, _, _) = BIG5.encode(line);
    assert_eq!(fixed(&GBK.decode_without_bom_handling(&big5).0), line);
}

/// The joint reading needs suspects: kana between ASCII words are Japanese
/// unless hanzi outnumber them, and clean runs stay clean.
#[test]
fn runs_without_joint_evidence_stay() {
    for clean in [
        "む～ん(-へ-)</p>",
        "α 和 β 的值",
        "使用 grep 命令來搜尋檔案",
        "请参考 \"man ls\" 说明文件",
        "“本分割槽”的位置",
    ] {
        assert_eq!(fixed(clean), clean);
    }
    // Runs of Latin letters among UTF-8 mojibake are not Big5 read as GBK.
    let line = "向用户索要密码，而不是在调用";
    let moji: String = line.bytes().map(char::from).collect();
    assert_eq!(fixed(&moji), line);
}

/// GBK read as windows-1252: punctuation spans between ASCII words follow
/// the line's hanzi spans; alone, `¡£` is Spanish and English.
#[test]
fn double_byte_punctuation_follows_the_lines_hanzi() {
    let w1252 = Encoding::for_label(b"windows-1252").unwrap();
    for line in [
        "请输入 \"username@\"。",
        "选项 --all，显示所有文件：ls -a（包括隐藏文件）",
    ] {
        let (gbk, _, _) = GBK.encode(line);
        let (moji, _) = w1252.decode_without_bom_handling(&gbk);
        assert_eq!(fixed(&moji), line, "{moji}");
    }
    for clean in ["¡£5 de descuento!", "Price: £10 ¡Oferta! ·"] {
        assert_eq!(fixed(clean), clean);
    }
}

#[test]
fn markup_debris() {
    assert_eq!(fixed("a &amp; b &#20013;"), "a & b 中");
    assert_eq!(fixed("<p>a &amp; b</p>"), "<p>a &amp; b</p>");
    assert_eq!(fixed("\u{1b}[32mgreen\u{1b}[0m"), "green");
    assert_eq!(fixed("中文\u{1b}中文\u{1b}[1m文"), "中文中文文");
    assert_eq!(fixed("a\u{0}b\u{85}"), "ab…");
}

#[test]
fn seed_003_loses_its_annotations_and_private_use() {
    let seed = include_str!("../../../fixtures/seeds/input/003_3cb92859fe70f893.txt");
    assert!(count_pinyin_annotations(seed) >= PINYIN_MIN_DOC_ANNOTATIONS);
    let out = repair(seed);
    assert_eq!(count_pinyin_annotations(&out.text), 0);
    assert!(!out.text.chars().any(is_private_use));
    assert!(out.report.count(RepairEdit::PinyinAnnotation) > 1000);
    assert!(out.report.count(RepairEdit::MisalignedRun) >= 4);
    // The realigned run of the issue: `化` is lost with the shifted byte.
    assert!(out.text.contains("\u{FFFD}部署的體現"));
    assert!(out.text.contains("(ISO)") && out.text.contains("(黨組)"));
    assert_eq!(repair(&out.text).text, out.text);
}

#[test]
fn private_use_is_counted_from_lead_bytes() {
    for text in [
        "",
        "中文，",
        "\u{E000}\u{E5E5}，\u{F8FF}\u{F900}\u{FFFD}",
        "a\u{EFFF}\u{F000}b",
    ] {
        let by_char = text.chars().filter(|&c| is_private_use(c)).count() as u64;
        assert_eq!(count_private_use(text), by_char, "{text:?}");
    }
    assert_eq!(count_private_use("\u{E000}\u{F8FF}，"), 2);
}

#[test]
fn utf8_read_as_gbk_with_lost_bytes() {
    // A GBK decoder drops a lead byte before ASCII (U+FFFD) and reads
    // 0x80 as the euro sign; the rest of the line comes back.
    let line = "我们从“3G突破”到“4G同步”，规模达50.2万亿元。";
    let moji = GBK.decode(line.as_bytes()).0.into_owned();
    assert!(moji.contains('\u{FFFD}') && moji.contains('€'), "{moji}");
    let out = fixed(&moji);
    assert!(
        out.contains("突破") && out.contains("规模") && out.contains("万亿元"),
        "{out}"
    );
    assert_eq!(out.chars().count(), line.chars().count(), "{out}");
    for (got, want) in out.chars().zip(line.chars()) {
        assert!(got == want || got == '\u{FFFD}', "{out}");
    }
}

#[test]
fn japanese_and_rare_chinese_words_are_not_mojibake() {
    // GBK's kana read as Big5 are common hanzi, and two GB2312 level 2
    // hanzi read through a chain can become two common ones.
    for clean in [
        "申し込みが多いのも特徴です。",
        "経済ニュースを読み込みました。",
        "他心里忐忑不安，忧心忡忡。",
        "掰掰，明天见。",
    ] {
        assert_eq!(fixed(clean), clean);
    }
    // Kana scattered through a Chinese line are Big5 read as GBK.
    let moji = GBK
        .decode(
            &BIG5
                .encode("中央網信辦會同相關部門指導武漢市建設國家網絡安全人才基地")
                .0,
        )
        .0
        .into_owned();
    assert!(moji.starts_with("いァ"), "{moji}");
    assert!(fixed(&moji).starts_with("中央"), "{}", fixed(&moji));
}

#[test]
fn utf8_read_as_big5_inside_a_clean_line() {
    // Two hanzi read as Big5 leave one rare character and two common
    // ones; the UTF-8 structure of their bytes is the evidence.
    let moji = BIG5.decode("书记".as_bytes()).0.into_owned();
    let line = format!("习近平总{moji}主持召开会议");
    assert_eq!(fixed(&line), "习近平总书记主持召开会议");
}

#[test]
fn latin_text_with_letters_beyond_windows_1252_is_not_gbk() {
    // `áé` and `ég` read as GBK are hanzi, but `ő` and `ű` say the line
    // was never read as windows-1252.
    let clean = "További információért keress az elérhetőségeken, Gyűjtemény";
    assert_eq!(fixed(clean), clean);
    // `ó` and three spaces are no four-byte sequence (a tag character).
    let clean = "Mária-kápolna kilátó   Máté-kút forrás";
    assert_eq!(fixed(clean), clean);
}

#[test]
fn form_feeds_are_left_to_layout() {
    // A page break: the layout stage reads it to drop the running
    // header and page number around it.
    let text = "没有写完的\n\x0c第二页\n";
    assert_eq!(fixed(text), text);
    assert_eq!(fixed("a\x01b\x0cc\n"), "ab\x0cc\n");
}

#[test]
fn german_words_are_not_gbk() {
    // `üh` and `äß` are GBK pairs (`黨`, `溥`), but the first sits inside
    // a word and the second alone is one hanzi: no evidence.
    let clean = "7-Bit-ASCII mit führendem Nullbit, Sonderzeichen gemäß ISO/IEC 646";
    assert_eq!(fixed(clean), clean);
}

#[test]
fn idempotent_on_samples() {
    for s in ["cafÃ©", "涓枃", "進(jìn)入舊版", "&amp;lt;", "中??文"] {
        let once = fixed(s);
        assert_eq!(fixed(&once), once, "{s}");
    }
}
#[test]
fn big5_punctuation_read_as_gbk_private_use_follows_the_lines_chain() {
    // Big5 `。` (A143) read as GBK is a private-use character; the line's
    // other runs were Big5 read as GBK, so it is read back as `。`.
    let line = "檔案的 i 結點號(16進位制)。";
    let (bytes, _, _) = BIG5.encode(line);
    let moji = GBK.decode_without_bom_handling(&bytes).0.into_owned();
    assert!(moji.chars().any(is_private_use));
    assert_eq!(fixed(&moji), line);
    // Without a line chain, private use stays (and is reported).
    assert_eq!(fixed("abc \u{E45D}"), "abc \u{E45D}");
}

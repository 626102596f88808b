from treaties.mentions import Mention, TreatyMatcher, treaty_mentions

NAMES = [
    ("new-start", "New START"),
    ("new-start", "New Strategic Arms Reduction Treaty"),
    ("new-start", "СНВ-3"),
    ("new-start", "ДСНВ"),
    ("new-start", "Договор между Российской Федерацией и Соединёнными Штатами Америки"),
    ("start-i", "START I"),
    ("start-i", "START"),
    ("start-ii", "START"),
    ("npt", "NPT"),
    ("npt", "Treaty on the Non-Proliferation of Nuclear Weapons"),
]


def test_it_finds_a_treaty_by_its_short_name_and_says_which_words_matched():
    assert treaty_mentions("New START expires in February 2026.", NAMES) == [Mention("new-start", ("New START",))]


def test_matching_ignores_case_and_keeps_the_words_as_written():
    assert treaty_mentions("what next after new start?", NAMES) == [Mention("new-start", ("new start",))]


def test_it_matches_cyrillic_aliases_in_any_case():
    assert treaty_mentions("Россия приостановила участие в дснв и СНВ-3.", NAMES) == [
        Mention("new-start", ("дснв", "СНВ-3"))
    ]


def test_it_matches_whole_words_only():
    assert treaty_mentions("The NPTs and ДСНВы are not names; nor is restart.", NAMES) == []


def test_a_longer_name_wins_over_a_shorter_one_inside_it():
    # "START" alone is shared by START I and START II, but here it is part of "New START".
    assert treaty_mentions("Talks on New START resumed.", NAMES) == [Mention("new-start", ("New START",))]


def test_a_name_two_treaties_share_is_reported_as_ambiguous():
    mentions = treaty_mentions("START was a landmark.", NAMES)
    assert mentions == [
        Mention("start-i", ("START",), ambiguous=True),
        Mention("start-ii", ("START",), ambiguous=True),
        Mention("new-start", ("START",), ambiguous=True),  # "New START" shortened
    ]


def test_a_name_another_treaty_has_with_one_more_word_is_ambiguous():
    names = [("start-i", "START"), ("start-i", "Strategic Arms Reduction Treaty"), ("new-start", "New START"),
             ("new-start", "New Strategic Arms Reduction Treaty"), ("new-start", "START-3"),
             ("unfccc", "United Nations Framework Convention on Climate Change"),
             ("paris", "Paris Agreement under the United Nations Framework Convention on Climate Change")]

    assert treaty_mentions("the Strategic Arms Reduction Treaty", names) == [
        Mention("start-i", ("Strategic Arms Reduction Treaty",), ambiguous=True),
        Mention("new-start", ("Strategic Arms Reduction Treaty",), ambiguous=True),
    ]
    assert [m.treaty for m in treaty_mentions("START", names)] == ["start-i", "new-start"]
    # A full title that merely contains another treaty's name is not a way of shortening it.
    assert treaty_mentions("the United Nations Framework Convention on Climate Change", names) == [
        Mention("unfccc", ("United Nations Framework Convention on Climate Change",))
    ]


def test_occurrences_say_where_each_name_is_and_which_treaties_it_may_mean():
    text = "New START ends; START did too."
    occurrences = TreatyMatcher(NAMES).occurrences(text)
    assert [(text[o.start:o.end], o.treaties, o.ambiguous) for o in occurrences] == [
        ("New START", ("new-start",), False),
        ("START", ("start-i", "start-ii", "new-start"), True),
    ]


def test_where_a_longer_name_is_cut_short_the_longest_whole_name_before_it_is_found():
    names = [*NAMES, ("start-ii", "START II")]
    text = "START II lapsed; START III never came; START I-era limits; START Iraq."
    occurrences = TreatyMatcher(names).occurrences(text)
    assert [(o.words, o.treaties) for o in occurrences] == [
        ("START II", ("start-ii",)),
        ("START", ("start-i", "start-ii", "new-start")),
        ("START I", ("start-i",)),
        ("START", ("start-i", "start-ii", "new-start")),
    ]


def test_a_treaty_also_named_unambiguously_is_not_ambiguous():
    mentions = treaty_mentions("START I, the first START, came into force in 1994.", NAMES)
    assert Mention("start-i", ("START I", "START"), ambiguous=False) in mentions


def test_dashes_spaces_and_yo_are_read_as_people_type_them():
    text = "Договор между  Российской Федерацией и Соединенными\nШтатами Америки; СНВ–3 (en dash)."
    assert treaty_mentions(text, NAMES) == [
        Mention("new-start", ("Договор между  Российской Федерацией и Соединенными\nШтатами Америки", "СНВ–3"))
    ]


def test_treaties_come_in_order_of_first_mention():
    mentions = treaty_mentions("The NPT review and New START.", NAMES)
    assert [m.treaty for m in mentions] == ["npt", "new-start"]


def test_a_matcher_is_built_once_and_asked_many_times():
    matcher = TreatyMatcher(NAMES)
    assert matcher.mentions("Treaty on the Non-Proliferation of Nuclear Weapons") == [
        Mention("npt", ("Treaty on the Non-Proliferation of Nuclear Weapons",))
    ]
    assert matcher.mentions("") == []
    assert TreatyMatcher([]).mentions("New START") == []


def test_a_shared_name_only_one_living_treaty_bears_names_that_one():
    names = [("start-i", "START I"), ("start-i", "START"), ("start-ii", "START II"), ("new-start", "New START")]
    text = "Moscow says START restrictions no longer bind it"
    (alone,) = [m for m in TreatyMatcher(names).mentions(text) if m.treaty == "new-start"]
    assert alone.ambiguous  # by its names alone, "START" could be any of the three
    in_2025 = TreatyMatcher(names).mentions(text, alive={"new-start"})
    assert [(m.treaty, m.ambiguous) for m in in_2025] == [("new-start", False)]
    in_1995 = TreatyMatcher(names).mentions(text, alive={"start-i", "start-ii"})
    assert all(m.ambiguous for m in in_1995)  # two were alive: a person decides

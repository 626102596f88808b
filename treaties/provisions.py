"""A treaty's provisions in plain words, from the data the rules use."""


def _years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def provisions_in_words(*, term_years, lapses_at_term_end, extension_times, extension_max_years,
                        withdrawal_notice_months, withdrawal_notice_days) -> list[str]:
    sentences = []
    if term_years and lapses_at_term_end:
        sentences.append(f"Runs for {_years(term_years)} from entry into force.")
    elif term_years:
        sentences.append(f"After {_years(term_years)} from entry into force, the parties decide whether it continues.")
    else:
        sentences.append("No fixed term is recorded.")
    if extension_times:
        times = "once" if extension_times == 1 else f"{extension_times} times"
        length = f", for up to {_years(extension_max_years)}" if extension_max_years else ""
        sentences.append(f"May be extended {times}{length}.")
    if withdrawal_notice_months:
        months = "1 month" if withdrawal_notice_months == 1 else f"{withdrawal_notice_months} months"
        sentences.append(f"A party may withdraw; withdrawal takes effect {months} after notice.")
    elif withdrawal_notice_days:
        sentences.append(f"A party may withdraw; withdrawal takes effect {withdrawal_notice_days} days after notice.")
    return sentences

"""Reading import files: encodings and delimiters of real CSVs, Excel workbooks, JSON lines, and the files that fail."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from station_desk.importing.readers import ImportFileError, SourceTable, detect_encoding, read_table

CYRILLIC = ["Крадіжка велосипеда у селі Вишневе", "Сусідська суперечка через межу", "Крађа бицикла у селу"]
LATIN = [
    "Kradzież roweru we wsi Źródła, zgłaszający: Łukasz Żółć",
    "Grindje mes fqinjëve në fshatin Çabër",
    "Krađa bicikla u selu Šabac, čovek",
]


def _write(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def _fails(path: Path) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_table(path)
    assert caught.value.exit_code == 2
    return caught.value.message


@pytest.mark.parametrize("sentence", CYRILLIC)
def test_cyrillic_text_in_windows_1251_is_recognised(sentence: str) -> None:
    assert detect_encoding(sentence.encode("cp1251")) == "cp1251"
    assert detect_encoding(sentence.encode("utf-8")) == "utf-8"


@pytest.mark.parametrize("sentence", LATIN)
def test_latin_text_in_windows_1250_is_recognised(sentence: str) -> None:
    assert detect_encoding(sentence.encode("cp1250")) == "cp1250"
    assert detect_encoding(sentence.encode("utf-8-sig")) == "utf-8-sig"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "sentence"),
    [
        ("utf-8", ",", CYRILLIC[0]),
        ("utf-8-sig", ";", LATIN[1]),
        ("cp1251", ";", CYRILLIC[1]),
        ("cp1251", "\t", CYRILLIC[2]),
        ("cp1250", ";", LATIN[0]),
        ("cp1250", ",", LATIN[2]),
    ],
)
def test_a_csv_reads_back_with_its_encoding_and_delimiter(
    tmp_path: Path, encoding: str, delimiter: str, sentence: str
) -> None:
    lines = [["Дата", "Опис", "Село"], ["07.03.2024", sentence, "Вишневе"], ["08.03.2024", "Друга", "Зелене"]]
    if encoding == "cp1250":
        lines[0], lines[1][2], lines[2] = ["Data", "Opis", "Wieś"], "Źródła", ["08.03.2024", "Druga", "Łąki"]
    content = "\r\n".join(delimiter.join(f'"{cell}"' if "," in cell else cell for cell in row) for row in lines)
    table = read_table(_write(tmp_path / "register.csv", content + "\r\n", encoding))
    assert (table.file_format, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert table.headers == tuple(lines[0])
    assert [row.cells for row in table.rows] == [tuple(lines[1]), tuple(lines[2])]
    assert [row.line for row in table.rows] == [2, 3]
    assert all(row.problem is None for row in table.rows)


def test_a_quoted_cell_over_several_lines_keeps_the_line_where_its_record_starts(tmp_path: Path) -> None:
    content = 'No;Opis;Miejsce\n1;"Pierwsza linia\nDruga linia\nTrzecia";Źródła\n\n2;krótko;Łąki\n'
    table = read_table(_write(tmp_path / "multi.csv", content))
    assert table.rows[0].cells == ("1", "Pierwsza linia\nDruga linia\nTrzecia", "Źródła")
    assert [row.line for row in table.rows] == [2, 6]  # the blank line 5 is skipped but still counted
    windows = read_table(_write(tmp_path / "windows.csv", content.replace("\n", "\r\n"), "cp1250"))
    assert windows.rows == table.rows  # Excel on Windows ends lines, also inside cells, with "\r\n"


def test_extra_cells_are_a_row_problem_but_trailing_empty_ones_are_not(tmp_path: Path) -> None:
    content = "a;b;c;\n1;2;3;\n4;5;6;7\n8;9\n"
    table = read_table(_write(tmp_path / "extra.csv", content))
    assert table.headers == ("a", "b", "c")
    assert table.rows[0].problem is None and table.rows[0].cells == ("1", "2", "3")
    assert table.rows[1].problem == "Row has 4 cells but the header has 3."
    assert table.rows[1].cells == ("4", "5", "6")
    assert table.rows[2].cells == ("8", "9", None)


def test_headers_are_stripped_and_bad_ones_name_the_column(tmp_path: Path) -> None:
    assert read_table(_write(tmp_path / "ok.csv", " Date ; Place \n1;2\n")).headers == ("Date", "Place")
    assert "Column 2 has no name" in _fails(_write(tmp_path / "nameless.csv", "Date;;Place\n1;2;3\n"))
    message = _fails(_write(tmp_path / "twice.csv", "Date;Place;date:\n1;2;3\n"))
    assert "both named “date:”" in message and "column 3" in message


def test_empty_files_and_a_header_alone_are_refused(tmp_path: Path) -> None:
    for name, content in [("zero.csv", ""), ("spaces.csv", "  \n\n \n"), ("nothing.txt", "\n")]:
        assert "is empty: it has no rows to import" in _fails(_write(tmp_path / name, content))
    assert "has a header but no rows" in _fails(_write(tmp_path / "header.csv", "Date;Place\n;\n"))


def test_missing_files_and_folders_are_named(tmp_path: Path) -> None:
    missing = _fails(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in missing and "does not exist" in missing
    assert "is a folder" in _fails(tmp_path)


def test_text_in_an_unknown_encoding_is_refused_with_advice(tmp_path: Path) -> None:
    # 0x98 is undefined in Windows-1251 and this text has mostly high bytes, so it is taken as Cyrillic.
    message = _fails(_bytes(tmp_path, b"a;b\n\x98\xc0\xc1;\xc2\n"))
    assert "Save it from Excel as “CSV UTF-8”" in message


def test_excel_unicode_text_and_binary_files(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path / "unicode.txt", "Дата\tОпис\r\n07.03.2024\tКрадіжка\r\n", "utf-16"))
    assert table.encoding == "utf-16" and table.delimiter == "\t"
    assert table.rows[0].cells == ("07.03.2024", "Крадіжка")
    assert "Save it from Excel as “CSV UTF-8”" in _fails(_bytes(tmp_path, b"MZ\x90\x00\x03\x00\x00\x00", "tool.csv"))


def _bytes(tmp_path: Path, content: bytes, name: str = "odd.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_sheet_reads_values_dates_and_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["  Дата ", "Опис", 2024, None])
    sheet.append([datetime(2024, 3, 7, 14, 30), "  Крадіжка  ", 12, True])
    sheet.append([None, None, None])
    sheet.append([date(2024, 3, 8), "Суперечка", 3.5, None])
    sheet.append([date(2024, 3, 9), "Обчислено", "=C2+C4", None])
    sheet["F1"] = None  # Excel often reports a wider sheet than the columns in use
    sheet.cell(row=1, column=8).value = ""
    book.save(tmp_path / "register.xlsx")
    table = read_table(tmp_path / "register.xlsx")
    assert table.file_format == "xlsx" and table.encoding is None
    assert table.headers == ("Дата", "Опис", "2024")
    assert [row.line for row in table.rows] == [2, 4, 5]  # the blank row 3 is skipped
    assert table.rows[0].cells == (datetime(2024, 3, 7, 14, 30), "Крадіжка", 12)
    assert table.rows[1].cells[2] == 3.5 and table.rows[1].problem is None
    assert table.rows[2].problem == "Cell C5 holds a formula; save the sheet with values only (Paste Special → Values)."


def test_a_sheet_with_a_header_only_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Дата", "Опис"])
    book.save(tmp_path / "header.xlsx")
    assert "has a header but no rows" in _fails(tmp_path / "header.xlsx")


def test_damaged_and_protected_workbooks_are_refused(tmp_path: Path) -> None:
    random_bytes = bytes((index * 151 + 7) % 256 for index in range(4000))
    assert "is damaged and cannot be opened" in _fails(_bytes(tmp_path, random_bytes, "random.xlsx"))
    assert "password-protected or in the old .xls format" in _fails(
        _bytes(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "locked.xlsx")
    )
    with zipfile.ZipFile(tmp_path / "letter.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "is damaged and cannot be opened" in _fails(tmp_path / "letter.xlsx")


def test_a_workbook_saved_as_csv_is_still_read_as_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Data", "Opis"])
    sheet.append(["07.03.2024", "Kradzież"])
    book.save(tmp_path / "misnamed.csv")
    assert read_table(tmp_path / "misnamed.csv").rows[0].cells == ("07.03.2024", "Kradzież")


def test_json_lines_keep_file_line_numbers_and_report_broken_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"date": "2024-03-07", "place": "Вишневе"}, ensure_ascii=False),
        "",
        '{"date": "2024-03-08", "place": ',
        "[1, 2]",
        json.dumps({"place": "Зелене", "people": 3, "tags": ["a"]}, ensure_ascii=False),
        "   ",
    ]
    table = read_table(_write(tmp_path / "incidents.jsonl", "\n".join(lines), "utf-8-sig"))
    assert table.file_format == "jsonl"
    assert table.headers == ("date", "place", "people", "tags")
    assert [row.line for row in table.rows] == [1, 3, 4, 5]
    assert table.rows[0].cells == ("2024-03-07", "Вишневе", None, None)
    assert table.rows[1].cells == (None, None, None, None)
    assert (table.rows[1].problem or "").startswith("Line 3 is not valid JSON: ")
    assert table.rows[2].problem == "Line 4 is not a JSON object."
    assert table.rows[3].cells == (None, "Зелене", 3, ["a"]) and table.rows[3].problem is None


def test_files_that_are_not_json_lines_are_refused(tmp_path: Path) -> None:
    exported = json.dumps([{"date": "2024-03-07"}, {"date": "2024-03-08"}])
    assert "needs one JSON object on each line" in _fails(_write(tmp_path / "list.json", exported))
    assert "needs one JSON object on each line" in _fails(_write(tmp_path / "words.jsonl", "date\n2024-03-07\n"))
    assert "is empty" in _fails(_write(tmp_path / "blank.jsonl", "{}\n\n{}\n"))


def test_an_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    assert read_table(_write(tmp_path / "export.dat", '{"a": 1}\n')).file_format == "jsonl"
    assert read_table(_write(tmp_path / "export.out", "a|b\n1|2\n")).delimiter == "|"


def test_a_hundred_thousand_rows_are_all_read(tmp_path: Path) -> None:
    header = ";".join(f"Колонка {number}" for number in range(15))
    body = "".join(
        f"{row};" + ";".join(f"значення {row}-{column}" for column in range(1, 15)) + "\n" for row in range(100_000)
    )
    table: SourceTable = read_table(_write(tmp_path / "big.csv", header + "\n" + body, "cp1251"))
    assert len(table.rows) == 100_000 and table.encoding == "cp1251"
    assert table.rows[-1].line == 100_001 and table.rows[-1].cells[0] == "99999"

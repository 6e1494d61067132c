import pytest

from newsroom.html import sanitize_html

TEXT = "<p>«Қазақстан» — Ә Ғ Қ Ң Ө Ұ Ү Һ І; «Россия» — ёлка, щука.</p>"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
        ('<p onclick="alert(1)" onmouseover=alert(2)>x</p>', "<p>x</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="javascript&#58;alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="&#106;avascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<img src="data:image/png;base64,AAAA">', ""),
        ('<iframe src="https://evil.example"></iframe><p>x</p>', "<p>x</p>"),
        ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
        ('<p style="background:url(https://evil.example/t.gif)">x</p>', "<p>x</p>"),
        ('<a href="https://dknews.kz/">ok</a>', '<a href="https://dknews.kz/" rel="noopener noreferrer">ok</a>'),
        ('<a href="mailto:news@dknews.kz">ok</a>', '<a href="mailto:news@dknews.kz" rel="noopener noreferrer">ok</a>'),
        ("<blockquote><p>«Цитата»</p></blockquote>", "<blockquote><p>«Цитата»</p></blockquote>"),
        ("<table><tr><td>1</td></tr></table>", "<table><tbody><tr><td>1</td></tr></tbody></table>"),
    ],
)
def test_body_html_is_sanitised(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_russian_and_kazakh_text_and_guillemets_survive_byte_for_byte():
    assert sanitize_html(TEXT).encode() == TEXT.encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["?o=99.-100.abc", "?o=1;DROP TABLE x", "?state=<script>", "?section__id__exact=abc", "?q=' OR 1=1 --"]
)
def test_admin_sort_and_filter_parameters_are_allowlisted(admin_client, query):
    response = admin_client.get("/admin/articles/article/" + query)
    assert response.status_code in {200, 302}  # unknown parameters: ignored, or Django's "?e=1" redirect
    assert "<script>" not in response.content.decode()

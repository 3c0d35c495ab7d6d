"""The assembled e-mail reads, to any mail parser, as the message Django would have written."""

from email import message_from_bytes, policy

from bawaba.notifications.mime import MAX_LINE, File, assemble


def _parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


def test_an_arabic_message_reads_back_with_its_headers_and_both_parts():
    assembled = assemble(
        from_email="Bawaba <no-reply@bawaba.ma>",
        to="amina@example.ma",
        subject="تم استلام طلبك : الإحصاء العام 2024",
        text="مرحبا،\nرقم طلبك A-1.\n",
        html='<p dir="rtl">مرحبا، <a href="https://bawaba.ma/me/">لوحة المتابعة</a></p>',
        message_id="<mailing-7.A-1@bawaba.ma>",
    )
    assert assembled.envelope_from == "no-reply@bawaba.ma" and assembled.to == "amina@example.ma"
    message = _parse(assembled.data)
    assert message["Subject"] == "تم استلام طلبك : الإحصاء العام 2024"
    assert message["Message-ID"] == "<mailing-7.A-1@bawaba.ma>"
    assert message["From"] == "Bawaba <no-reply@bawaba.ma>" and message["To"] == "amina@example.ma"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert text.get_content().replace("\r\n", "\n") == "مرحبا،\nرقم طلبك A-1.\n"  # as sent: CRLF
    assert html.get_content_type() == "text/html" and "لوحة المتابعة" in html.get_content()
    assert all(len(line) <= MAX_LINE for line in assembled.data.split(b"\r\n"))
    assert b"\n" not in assembled.data.replace(b"\r\n", b"")


def test_a_line_too_long_for_8bit_goes_quoted_printable_and_a_name_is_encoded():
    long_line = "x" * 2000
    assembled = assemble(
        from_email="بوابة <no-reply@bawaba.ma>",
        to="a@example.ma",
        subject="Sujet",
        text="court",
        html=f"<p>{long_line}</p>",
        message_id="<m@bawaba.ma>",
    )
    assert all(len(line) <= MAX_LINE for line in assembled.data.split(b"\r\n"))
    message = _parse(assembled.data)
    assert message["From"].addresses[0].display_name == "بوابة"
    assert long_line in list(message.iter_parts())[1].get_content()


def test_the_same_message_twice_is_the_same_bytes_but_for_its_date():
    arguments = {
        "from_email": "no-reply@bawaba.ma", "to": "a@example.ma", "subject": "S", "text": "t", "html": "<p>h</p>",
        "message_id": "<mailing-1.A-1@bawaba.ma>", "date": "Sat, 05 Dec 2026 10:00:00 -0000",
    }  # fmt: skip
    assert assemble(**arguments).data == assemble(**arguments).data


def test_files_go_with_the_message_as_base64_attachments_after_both_parts():
    calendar = "BEGIN:VCALENDAR\r\nSUMMARY:مقابلة\r\nEND:VCALENDAR\r\n".encode()
    assembled = assemble(
        from_email="no-reply@bawaba.ma",
        to="a@example.ma",
        subject="Convocation",
        text="Votre convocation.\n",
        html="<p>Votre convocation.</p>",
        message_id="<mailing-3.A-9@bawaba.ma>",
        files=[File("convocation.ics", calendar, "text/calendar; method=PUBLISH")],
    )
    message = _parse(assembled.data)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_params()[1] == ("method", "PUBLISH")
    assert attachment.get_filename() == "convocation.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == calendar
    assert all(len(line) <= MAX_LINE for line in assembled.data.split(b"\r\n"))
    assert b"\n" not in assembled.data.replace(b"\r\n", b"")


def test_an_attachment_name_that_would_break_the_header_is_refused():
    import pytest

    for name in ('a".ics', "a\r\nBcc: x@y.ma", "مقابلة.ics"):
        with pytest.raises(ValueError):
            assemble(
                from_email="no-reply@bawaba.ma", to="a@example.ma", subject="S", text="t", html="h",
                message_id="<m@bawaba.ma>", files=[File(name, b"x", "text/plain")],
            )  # fmt: skip

"""langlearn.storage against an S3-compatible server (moto) on loopback: the production code path."""

import urllib.request
from urllib.parse import parse_qs, urlsplit

from langlearn import storage


def test_save_presign_fetch_and_delete(s3_storage):
    data = b"RIFF fake wav bytes"

    stored = storage.save_bytes("articles/job-1/audio.wav", data, content_type="audio/wav")

    assert stored.key == "articles/job-1/audio.wav"
    obj = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=stored.key)
    assert obj["Body"].read() == data
    assert obj["ContentType"] == "audio/wav"

    url = storage.media_url(stored.key, expire=120)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == f"/{s3_storage.bucket}/articles/job-1/audio.wav"  # path addressing
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]  # SigV4, not legacy SigV2
    assert query["X-Amz-Expires"] == ["120"]
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == data

    storage.delete(stored.key)
    assert storage.exists(stored.key) is False


def test_save_overwrites_the_exact_key(s3_storage):
    storage.save_bytes("packs/p1/word.wav", b"first", content_type="audio/wav")
    stored = storage.save_bytes("packs/p1/word.wav", b"second", content_type="audio/wav")

    assert stored.key == "packs/p1/word.wav"  # no random suffix: a retried job reuses its key
    listed = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)["Contents"]
    assert [o["Key"] for o in listed] == ["packs/p1/word.wav"]
    assert storage.read_bytes("packs/p1/word.wav") == b"second"


def test_no_key_no_url(s3_storage):
    assert storage.media_url(None) is None
    assert storage.media_url("") is None

"""Reading files within limits, atomic writes that keep links and modes, outputs that never clobber inputs."""

import json
import os
import stat
import threading

import pytest

from rojas import RojasError
from rojas.utils.files import (check_outputs, output_directory, read_json, same_file, write_atomic,
                         write_json_atomic, write_text_atomic)


def test_a_write_through_a_symlink_keeps_the_link_and_the_mode(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    write_json_atomic(link, {"a": 1})
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert json.loads(target.read_text()) == {"a": 1}
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]  # no temporary file left


def test_a_new_file_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o640


@pytest.mark.parametrize("make, what", [
    (lambda p: os.mkfifo(p), "FIFO"),
    (lambda p: os.mkdir(p), "directory"),
])
def test_non_regular_targets_are_refused_and_left_alone(tmp_path, make, what):
    path = tmp_path / "target"
    make(path)
    with pytest.raises(RojasError, match=what):
        write_text_atomic(path, "x")
    with pytest.raises(RojasError, match=what):
        check_outputs(writes=[("-o", path)])
    assert not path.is_file()


def test_a_device_is_refused_for_writing_and_reading():
    with pytest.raises(RojasError, match="'/dev/null': it is a character device"):
        write_text_atomic("/dev/null", "x")
    for device in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(RojasError, match="character device, not a regular file"):
            read_json(device)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.json"
    path.write_text("old")

    def half(tmp):
        with open(tmp, "w") as fh:
            fh.write("ha")
        raise OSError(28, "No space left on device")

    with pytest.raises(RojasError, match="No space left on device"):
        write_atomic(path, half)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["keep.json"]


def test_concurrent_writers_leave_one_whole_file(tmp_path):
    path = tmp_path / "shared.json"
    docs = [{"writer": k, "payload": [k] * 20000} for k in range(6)]
    threads = [threading.Thread(target=write_json_atomic, args=(path, d)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert json.loads(path.read_text()) in docs
    assert os.listdir(tmp_path) == ["shared.json"]


def test_nan_cannot_be_written_as_json_and_nothing_is_written(tmp_path):
    with pytest.raises(RojasError, match="NaN or infinite"):
        write_json_atomic(tmp_path / "x.json", {"w": float("nan")})
    assert os.listdir(tmp_path) == []


def test_dash_means_standard_output(capsys):
    write_text_atomic("-", "hello")
    write_json_atomic("-", {"a": 1})
    assert capsys.readouterr().out == 'hello\n{\n "a": 1\n}\n'
    with pytest.raises(RojasError, match="standard output"):
        write_atomic("-", lambda tmp: None)


def test_same_file_sees_through_links_dots_and_hard_links(tmp_path):
    a = tmp_path / "a.json"
    a.write_text("{}")
    (tmp_path / "sym.json").symlink_to(a)
    os.link(a, tmp_path / "hard.json")
    (tmp_path / "sub").mkdir()
    for other in ("sym.json", "hard.json", "sub/../a.json"):
        assert same_file(a, tmp_path / other), other
    assert same_file(tmp_path / "new.json", tmp_path / "sub" / ".." / "new.json")  # neither exists
    assert not same_file(a, tmp_path / "new.json")
    assert not same_file("-", "-") and not same_file(a, None)


def test_check_outputs_names_both_sides(tmp_path):
    net = tmp_path / "net.json"
    net.write_text("{}")
    (tmp_path / "alias.json").symlink_to(net)
    with pytest.raises(RojasError) as info:
        check_outputs(reads=[("NET.json", net), ("--data", None)], writes=[("-o", tmp_path / "alias.json")])
    assert str(info.value) == (f"-o {str(tmp_path / 'alias.json')!r} would overwrite NET.json {str(net)!r}; "
                               "choose another output file")
    with pytest.raises(RojasError, match="--plot .* and -o .* are the same file"):
        check_outputs(writes=[("-o", tmp_path / "o.json"), ("--plot", tmp_path / "." / "o.json")])
    with pytest.raises(RojasError, match="is not a directory"):
        check_outputs(writes=[("--plot", net / "x.png")])
    check_outputs(reads=[net, "-"], writes=["-", tmp_path / "out.json", None])  # fine: nothing clobbered
    with pytest.raises(RojasError, match="is not a directory"):
        check_outputs(writes=[("--plot", tmp_path / "new" / "x.png")])
    check_outputs(writes=[("--plot", tmp_path / "new" / "x.png")], makes_directories=["--plot"])
    with pytest.raises(RojasError, match="is not a directory"):  # a file where a directory must be made
        check_outputs(writes=[("--plot", net / "new" / "x.png")], makes_directories=["--plot"])


def test_read_json_limits(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    big.write_text("[" + "0," * 600_000 + "0]")
    monkeypatch.setenv("ROJAS_MAX_FILE_MB", "1")
    with pytest.raises(RojasError, match=r"is 1.1 MB, over the limit of 1.0 MB \(set ROJAS_MAX_FILE_MB "):
        read_json(big, "data file")
    monkeypatch.setenv("ROJAS_MAX_FILE_MB", "2")
    assert len(read_json(big)) == 600_001
    huge = tmp_path / "huge.json"
    huge.write_text('{"w": ' + "9" * 5000 + "}")
    with pytest.raises(RojasError, match=r"'.*huge.json' holds an integer of more than 4300 digits \(5000 digits\)"):
        read_json(huge, "network file")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(RojasError, match="nests lists or objects too deeply"):
        read_json(deep)
    with pytest.raises(RojasError, match="is a directory, not a regular file"):
        read_json(tmp_path)


def test_output_directory(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(RojasError, match="-o '.*file' is a file, not a directory"):
        output_directory(tmp_path / "file")
    with pytest.raises(RojasError, match="cannot create the directory"):
        output_directory(tmp_path / "file" / "x")
    assert os.path.isdir(output_directory(tmp_path / "new" / "deeper"))

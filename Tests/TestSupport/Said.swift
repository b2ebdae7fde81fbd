/// What a test expects `tianbao` to say, in the language the tests run it in (`Subprocess.language`):
/// the English words under `C.UTF-8`, the catalogue's Chinese under `TIANBAO_TEST_LANG=zh_CN.UTF-8`.
/// Field labels, codes and values are the same in both, so they are asserted as they are.
public func say(_ english: String, _ chinese: String) -> String {
    Subprocess.speaksChinese ? chinese : english
}

import Foundation
import Messages
import Testing

/// The catalogue is complete: every message has its English and its Chinese, with the same places.
@Suite struct CatalogueTests {
    @Test func everyMessageIsInBothLanguagesWithTheSamePlaces() {
        for message in Message.allCases {
            let english = Catalogue.english[message]
            let chinese = Catalogue.chinese[message]
            #expect(english != nil, "\(message.rawValue) has no English")
            #expect(chinese != nil, "\(message.rawValue) has no Chinese")
            if let english, let chinese {
                #expect(Message.places(english) == Message.places(chinese), "\(message.rawValue): the languages use different places")
                #expect(Message.places(english) == Set(1...max(1, Message.places(english).count)) || Message.places(english).isEmpty,
                        "\(message.rawValue): places are numbered from 1 without a gap")
            }
        }
        #expect(Catalogue.english.count == Message.allCases.count && Catalogue.chinese.count == Message.allCases.count)
    }

    @Test func theLocaleChoosesTheLanguage() {
        #expect(Language.detect(["LANG": "zh_CN.UTF-8"]) == .chinese)
        #expect(Language.detect(["LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"]) == .english, "LC_ALL comes first")
        #expect(Language.detect(["LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"]) == .chinese)
        #expect(Language.detect([:]) == .english)
        // The process's own environment, as `environ` holds it (what every command reads).
        setenv("TIANBAO_TEST_VARIABLE", "值=有等号", 1)
        defer { unsetenv("TIANBAO_TEST_VARIABLE") }
        let environment = ProcessEnvironment.current()
        #expect(environment["TIANBAO_TEST_VARIABLE"] == "值=有等号", "the value is everything after the first '='")
        #expect(environment["PATH"] == String(cString: getenv("PATH")))
        #expect(Message.submitted.text(in: .chinese, ["x"]) == "已提交 x。下次运行 'tianbao sync' 时送达省平台。")
        #expect(Message.bulkDryRunSummary.text(in: .chinese, [3, 5, "推荐"]) == "试运行：5 条记录中有 3 条将被推荐。未写入任何内容。", "places reorder per language")
    }
}

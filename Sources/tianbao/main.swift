import Foundation
import TianbaoCLI

exit(Tianbao.main(Array(CommandLine.arguments.dropFirst())))

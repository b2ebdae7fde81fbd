import Foundation
import TianbaoCLI

exit(Tianbao.main(argc: CommandLine.argc, argv: CommandLine.unsafeArgv))

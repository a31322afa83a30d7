import Foundation
import Testing

@testable import LeakCheck

/// Issue 21, CTest layouts: what an existing build tree says about its own code.
@Suite struct CTestTreeTests {
    /// A tree as cmake 3.25 writes it: `CMakeCache.txt` at the top only, a
    /// `CTestTestfile.cmake` per directory naming its source directory.
    static func tree() throws -> ScratchDir {
        let dir = try ScratchDir()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("build/tests"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.file("other/bin"), withIntermediateDirectories: true)
        try "CMAKE_BUILD_TYPE:STRING=\nCMAKE_HOME_DIRECTORY:INTERNAL=/src/project\n".write(
            toFile: dir.file("build/CMakeCache.txt"), atomically: true, encoding: .utf8)
        try
            "# CMake generated Testfile for \n# Source directory: /src/project/tests\n# Build directory: \(dir.file("build/tests"))\n# \nadd_test(leak_in_main \"x\")\n"
            .write(toFile: dir.file("build/tests/CTestTestfile.cmake"), atomically: true, encoding: .utf8)
        try "CMAKE_HOME_DIRECTORY:INTERNAL=/src/other\n".write(
            toFile: dir.file("other/CMakeCache.txt"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aSubdirectoryOfATreeFindsItsSourcesAndTheTreeTop() throws {
        let dir = try Self.tree()
        #expect(
            CTestSource.sourceRoots(buildDir: dir.file("build/tests"), programs: [])
                == ["/src/project/tests", "/src/project"])
        #expect(CTestSource.buildTrees(buildDir: dir.file("build/tests"), programs: []) == [dir.file("build")])
    }

    @Test func aTestProgramBuiltInAnotherTreeBringsThatTreesSources() throws {
        let dir = try Self.tree()
        let programs = [dir.file("other/bin/runner"), "relative-name"]
        #expect(
            CTestSource.sourceRoots(buildDir: dir.file("build"), programs: programs) == ["/src/project", "/src/other"])
        #expect(
            CTestSource.buildTrees(buildDir: dir.file("build"), programs: programs) == [
                dir.file("build"), dir.file("other"),
            ])
    }

    /// A tree built without `-g`: the test's `main` has an object and no file.
    @Test func anObjectInATreeIsOwnCodeOnlyWithoutASourceFile() {
        let own = OwnCode(crateNames: [], sourceRoots: ["/src/project"], objectRoots: ["/b/build"])
        #expect(own.contains(Frame(function: "main", object: "/b/build/tests/leak_in_main")))
        #expect(!own.contains(Frame(function: "main", file: "/usr/src/x.c", object: "/b/build/tests/leak_in_main")))
        #expect(!own.contains(Frame(function: "malloc", object: "/usr/libexec/valgrind/vgpreload_memcheck.so")))
    }
}

import Testing

@testable import LeakCheck

/// `docs/ci/github-actions.yml` stays what its comments promise: N partitions
/// each uploading a JSON report, and a gate that merges them and is never skipped.
@Suite struct MergeWorkflowTests {
    func workflow() throws -> [String] {
        try Paths.fixtureText("../../docs/ci/github-actions.yml").split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
    }

    @Test func matrixCoversEveryPartition() throws {
        let lines = try workflow()
        let n = try #require(
            lines.first { $0.hasPrefix("  PARTITIONS: ") }.flatMap { Int($0.dropFirst("  PARTITIONS: ".count)) })
        #expect(n == 3)
        #expect(lines.contains("        k: [\((1...n).map(String.init).joined(separator: ", "))]"))
        #expect(lines.contains("    name: valgrind ${{ matrix.k }}/\(n)"))
        #expect(lines.contains("          --partition hash:${{ matrix.k }}/${{ env.PARTITIONS }}"))
        #expect(lines.contains("          --json leakcheck-${{ matrix.k }}.json"))
        #expect(lines.contains("      fail-fast: false # every partition must report, or the merge is incomplete"))
        // The syntax the workflow passes parses for every k.
        for k in 1...n { #expect(try Partition.parse("hash:\(k)/\(n)").spec == PartitionSpec(index: k, total: n)) }
    }

    @Test func gateMergesAlwaysAndNeverSwallowsTheExitCode() throws {
        let lines = try workflow()
        #expect(!lines.contains { !$0.drop(while: { $0 == " " }).hasPrefix("#") && $0.contains("continue-on-error") })
        let gate = try #require(lines.firstIndex(of: "  gate:"))
        let gateJob = lines[gate...]
        #expect(gateJob.contains("    if: ${{ always() }}"))
        #expect(gateJob.contains("    needs: [tool, leakcheck]"))
        #expect(
            gateJob.contains(
                #"          "$RUNNER_TEMP/leakcheck/bin/moq-leakcheck" merge partitions/leakcheck-*.json \"#))
        #expect(
            gateJob.contains("            --json leakcheck.json --junit leakcheck-junit.xml --sarif leakcheck.sarif"))
        #expect(gateJob.contains("          pattern: leakcheck-*"))
        // Every partition's upload runs whatever its exit code.
        let upload = try #require(lines.firstIndex(of: "      - name: Upload the partition's report"))
        #expect(lines[upload + 1] == "        if: always()")
    }
}

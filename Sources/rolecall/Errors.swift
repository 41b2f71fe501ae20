// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACAnalysis
import RBACCluster
import RBACIngest
import RBACReport
import RBACStore

/// Errors the library reports about input, the database or a question: printed as one line, exit code 2.
func isRolecallError(_ error: any Error) -> Bool {
  error is IngestError || error is StoreError || error is QuestionError || error is Batch.BatchError
    || error is UsageError || error is UnsupportedFormat || error is GraphQuestionError || error is ClusterError
    || error is CheckPolicyError || error is FleetError
}

/// A combination of options that cannot be answered.
struct UsageError: Error, CustomStringConvertible {
  var description: String
}

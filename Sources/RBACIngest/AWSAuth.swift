// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel
import Yams

/// Reads the EKS `kube-system/aws-auth` ConfigMap, whose `mapRoles` and `mapUsers` values are YAML documents inside
/// strings: lists of `{rolearn|userarn, username, groups}`.
enum AWSAuth {
  private struct Entry: Decodable {
    var rolearn: String?
    var userarn: String?
    var username: String?
    var groups: [String]?
  }

  static func mappings(_ data: [String: String], source: ObjectSource, diagnostics: inout [Diagnostic])
    -> [AWSAuthMapping]
  {
    var mappings: [AWSAuthMapping] = []
    for key in ["mapRoles", "mapUsers"] {
      guard let text = data[key], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
      do {
        for entry in try YAMLDecoder().decode([Entry].self, from: text) {
          guard let arn = entry.rolearn ?? entry.userarn else { continue }
          // EKS maps an entry without a username to the ARN itself.
          mappings.append(
            AWSAuthMapping(source: key, arn: arn, username: entry.username ?? arn, groups: entry.groups ?? []))
        }
      } catch {
        // A broken aws-auth is what EKS itself would fail to read; keep the rest of the snapshot and say so.
        diagnostics.append(
          Diagnostic(.unreadableAWSAuth, "ConfigMap \"kube-system/aws-auth\": data.\(key) is not a list of mappings", source: source))
      }
    }
    return mappings
  }
}

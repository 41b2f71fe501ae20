// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// On EKS clusters that read the aws-auth ConfigMap, whoever edits it maps an IAM identity of theirs to
  /// system:masters.
  static let awsAuthEdit = Primitive(
    id: "aws-auth-edit", title: "Edit EKS aws-auth",
    condition: "update or patch configmaps in kube-system, resourceNames absent or containing aws-auth, on a "
      + "snapshot that holds kube-system/aws-auth",
    yields: "group system:masters",
    reference: "Amazon EKS: grant IAM users access with the aws-auth ConfigMap"
  ) { context in
    guard !context.cluster.awsAuth.isEmpty,
      let grant = context.anyGrant(["update", "patch"], "", "configmaps", name: "aws-auth", in: "kube-system")
    else { return [] }
    return [context.edge(to: .group(UserInfo.mastersGroup), "aws-auth-edit", [Evidence(grant)])]
  }

  /// An IAM role or user mapped by aws-auth authenticates as the username and groups of its entry.
  static let awsAuthMapping = Primitive(
    id: "aws-auth-mapping", title: "IAM identity mapped by aws-auth",
    condition: "an entry of kube-system/aws-auth mapRoles or mapUsers names the IAM role or user",
    yields: "the entry's username and groups",
    reference: "Amazon EKS: aws-auth ConfigMap",
    fromNode: { node, cluster in
      guard case .cloudIdentity(let arn) = node else { return [] }
      return cluster.awsAuth.filter { $0.arn == arn }.flatMap { m in
        let evidence = [Evidence.fact("kube-system/aws-auth \(m.source) maps \(m.arn) to \(m.username)")]
        return [Edge(from: node, to: .user(m.username), primitive: "aws-auth-mapping", evidence: evidence)]
          + m.groups.map { Edge(from: node, to: .group($0), primitive: "aws-auth-mapping", evidence: evidence) }
      }
    }
  )
}

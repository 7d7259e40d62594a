variable "cluster_arn" {
  description = "The MSK cluster whose resource policy this is (a cluster has exactly one)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[^/]+/[^/]+$", var.cluster_arn))
    error_message = "cluster_arn must be an MSK cluster ARN."
  }
}

variable "account_id" {
  description = "Account whose service resources may use the grants (aws:SourceAccount)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "grants" {
  description = "One statement per grant: a service principal (e.g. osis-pipelines.amazonaws.com) and its kafka:* actions on this cluster. Sids must be unique."
  type = list(object({
    sid     = string
    service = string
    actions = list(string)
  }))

  validation {
    condition     = length(var.grants) >= 1 && length(distinct([for g in var.grants : g.sid])) == length(var.grants)
    error_message = "grants must have at least one entry and unique sids."
  }

  validation {
    condition = alltrue([for g in var.grants :
      can(regex("^[A-Za-z0-9]+$", g.sid)) && can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", g.service)) &&
      length(g.actions) >= 1 && alltrue([for a in g.actions : can(regex("^kafka:[A-Za-z0-9]+$", a))])
    ])
    error_message = "Each grant needs an alphanumeric sid, a service principal (*.amazonaws.com) and kafka:<Action> actions without wildcards."
  }
}

"""The account calculator: one person's dated events replayed under a policy, and its trace."""

import { graphql } from 'relay-runtime';

export const query = graphql`
  query ParticipantCardQuery($login: String!) {
    participant(login: $login) {
      ...ParticipantCard_participant
    }
  }
`;

export const participant = graphql`
  fragment ParticipantCard_participant on Participant
  @refetchable(queryName: "ParticipantCardRefetchQuery") {
    login
    avatarUrl
    packageCount
  }
`;
